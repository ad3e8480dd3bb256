package dev.genstream.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.engine.gguf.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file, mapped: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the data. Tensors are views of the mapping, under their HF names.
 */
final class SafetensorsFile {
    /** One tensor as stored: its shape is row-major, the last dimension fastest (numpy order). */
    record Entry(String name, GgmlType type, long[] shape, MemorySegment data) {}

    private SafetensorsFile() {}

    /** Maps {@code path} into {@code arena} and returns its tensors by HF name. */
    static Map<String, Entry> read(Path path, Arena arena, ObjectMapper json) {
        MemorySegment file;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new CheckpointFormatException(path + ": cannot read: " + e.getMessage());
        }
        try {
            return parse(file, json);
        } catch (CheckpointFormatException e) {
            throw new CheckpointFormatException(path.getFileName() + ": " + e.getMessage());
        }
    }

    private static Map<String, Entry> parse(MemorySegment file, ObjectMapper json) {
        if (file.byteSize() < 8) throw new CheckpointFormatException("not a safetensors file (" + file.byteSize() + " bytes)");
        long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength <= 0 || headerLength > file.byteSize() - 8 || headerLength > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException("not a safetensors file (header length " + headerLength + ")");
        }
        byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = json.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointFormatException("safetensors header is not JSON: " + e.getMessage());
        }
        if (header == null || !header.isObject()) throw new CheckpointFormatException("safetensors header is not a JSON object");
        long dataStart = 8 + headerLength;
        long dataSize = file.byteSize() - dataStart;
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            tensors.put(e.getKey(), entry(e.getKey(), e.getValue(), file, dataStart, dataSize));
        }
        return tensors;
    }

    private static Entry entry(String name, JsonNode info, MemorySegment file, long dataStart, long dataSize) {
        JsonNode offsets = info.path("data_offsets");
        JsonNode shapeNode = info.path("shape");
        if (!offsets.isArray() || offsets.size() != 2 || !shapeNode.isArray()) {
            throw new CheckpointFormatException("tensor " + name + ": header entry lacks shape or data_offsets");
        }
        String dtype = info.path("dtype").asText();
        GgmlType type = switch (dtype) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            default -> throw new CheckpointFormatException("tensor " + name + " has dtype " + dtype
                    + " (supported: F32, F16, BF16)");
        };
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) throw new CheckpointFormatException("tensor " + name + " has dimension " + shapeNode.get(i));
            elements = Math.multiplyExact(elements, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new CheckpointFormatException("tensor " + name + " (bytes " + begin + ".." + end + ") runs past the end of the file: "
                    + "the file is truncated");
        }
        if (end - begin != type.bytesFor(elements)) {
            throw new CheckpointFormatException("tensor " + name + " holds " + (end - begin) + " bytes, but " + elements
                    + " " + dtype + " values need " + type.bytesFor(elements));
        }
        return new Entry(name, type, shape, file.asSlice(dataStart + begin, end - begin).asReadOnly());
    }
}
