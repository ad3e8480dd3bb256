package dev.genstream.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped GGUF file (v2/v3, little-endian): its metadata and its tensors as views of the mapping.
 * Nothing is copied to the heap except the metadata values; closing unmaps everything.
 */
public final class GgufFile implements TensorSource {
    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    private static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final Arena arena;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final long size;

    private GgufFile(Path path, Arena arena, int version, GgufMetadata metadata, Map<String, GgufTensor> tensors, long size) {
        this.path = path;
        this.arena = arena;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.size = size;
    }

    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path, arena, file);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GgufFormatException(path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new GgufFormatException(path + ": cannot read: " + e.getMessage());
        } catch (GgufFormatException e) {
            arena.close();
            throw new GgufFormatException(path + ": " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment file) {
        Cursor in = new Cursor(file);
        if (file.byteSize() < 24) throw new GgufFormatException("not a GGUF file (only " + file.byteSize() + " bytes)");
        int magic = in.i32();
        if (magic != MAGIC) throw new GgufFormatException("not a GGUF file (bad magic 0x" + Integer.toHexString(magic) + ")");
        int version = in.i32();
        if (version == 1) throw new GgufFormatException("GGUF v1 is not supported; re-convert the model with a current llama.cpp");
        if (version != 2 && version != 3) {
            if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                throw new GgufFormatException("big-endian GGUF is not supported");
            }
            throw new GgufFormatException("unsupported GGUF version " + version);
        }
        long tensorCount = in.count("tensor count", 8 + 4 + 8);
        long kvCount = in.count("metadata count", 8 + 4);
        GgufMetadata metadata = GgufMetadata.read(in, kvCount);

        long alignment = metadata.getLong("general.alignment", DEFAULT_ALIGNMENT);
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new GgufFormatException("general.alignment must be a power of two, got " + alignment);
        }
        record Info(String name, GgmlType type, long[] dims, long offset) {}
        Info[] infos = new Info[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            String name = in.string();
            int nDims = in.i32();
            if (nDims < 1 || nDims > 4) throw new GgufFormatException("tensor " + name + " has " + nDims + " dimensions");
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.i64();
                if (dims[d] <= 0 || dims[d] > (1L << 40)) throw new GgufFormatException("tensor " + name + " has dimension " + dims[d]);
            }
            int typeId = in.i32();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw new GgufFormatException("tensor " + name + " has unknown ggml type id " + typeId);
            infos[i] = new Info(name, type, dims, in.i64());
        }
        long dataStart = align(in.position(), alignment);
        Map<String, GgufTensor> tensors = new LinkedHashMap<>();
        for (Info info : infos) {
            long bytes;
            try {
                long elements = 1;
                for (long d : info.dims) elements = Math.multiplyExact(elements, d);
                bytes = info.type.bytesFor(elements);
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new GgufFormatException("tensor " + info.name + " has impossible dimensions " + java.util.Arrays.toString(info.dims)
                        + " for type " + info.type + ": " + e.getMessage());
            }
            long start = dataStart + info.offset;
            if (info.offset < 0 || info.offset > file.byteSize() || bytes > file.byteSize() - start) {
                throw new GgufFormatException("tensor " + info.name + " (" + bytes + " bytes at " + start
                        + ") runs past the end of the file (" + file.byteSize() + " bytes): the file is truncated");
            }
            if (tensors.put(info.name, new GgufTensor(info.name, info.type, info.dims, file.asSlice(start, bytes).asReadOnly())) != null) {
                throw new GgufFormatException("duplicate tensor " + info.name);
            }
        }
        return new GgufFile(path, arena, version, metadata, Collections.unmodifiableMap(tensors), file.byteSize());
    }

    private static long align(long x, long a) {
        return (x + a - 1) & -a;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<Path> files() {
        return List.of(path);
    }

    public int version() {
        return version;
    }

    public long size() {
        return size;
    }

    @Override
    public GgufMetadata metadata() {
        return metadata;
    }

    @Override
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        arena.close();
    }
}
