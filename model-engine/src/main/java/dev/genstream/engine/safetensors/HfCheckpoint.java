package dev.genstream.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.gguf.TensorSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An HF checkpoint directory ({@code config.json}, {@code model.safetensors} or shards listed by
 * {@code model.safetensors.index.json}, {@code tokenizer.json}, {@code tokenizer_config.json}) seen as the GGUF
 * llama.cpp's converter would make of it, without converting: tensors are views of the mapped safetensors files under
 * GGUF names and dimension order, config keys are GGUF keys. Only GPT-2's [in, out] Conv1D matrices are copied, once,
 * transposed, to native memory (and Llama-3's few RoPE factors computed there); q/k rows stay in HF's order
 * ({@link #ropeHalves()}).
 */
public final class HfCheckpoint implements TensorSource {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    private final Arena arena;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final List<Path> files;

    private HfCheckpoint(Path dir, Arena arena, GgufMetadata metadata, Map<String, GgufTensor> tensors, List<Path> files) {
        this.dir = dir;
        this.arena = arena;
        this.metadata = metadata;
        this.tensors = tensors;
        this.files = files;
    }

    /** True for a directory that holds a config.json: what {@link #open} reads. */
    public static boolean isCheckpoint(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve("config.json"));
    }

    public static HfCheckpoint open(Path dir) {
        if (!Files.isDirectory(dir)) throw new CheckpointFormatException(dir + ": not a directory");
        Arena arena = Arena.ofShared();
        try {
            HfFiles files = new HfFiles(dir);
            JsonNode config = files.json("config.json");
            HfArchitecture arch = HfArchitecture.of(config);
            Map<String, Object> md = new LinkedHashMap<>();
            md.put("general.architecture", arch.gguf);
            md.put("general.name", dir.toAbsolutePath().normalize().getFileName().toString());
            arch.hyperparameters(config, md);
            Map<String, GgufTensor> tensors = new LinkedHashMap<>();
            Map<String, String> index = index(files);
            for (String shard : index.isEmpty() ? List.of("model.safetensors") : new TreeSet<>(index.values())) {
                Map<String, SafetensorsFile.Entry> entries = SafetensorsFile.read(files.file(shard), arena, files.mapper);
                index.forEach((name, file) -> {
                    if (file.equals(shard) && !entries.containsKey(name)) {
                        throw new CheckpointFormatException("model.safetensors.index.json puts " + name + " in " + shard + ", which lacks it");
                    }
                });
                entries.forEach((name, entry) -> {
                    String gguf = arch.ggufName(name);
                    if (gguf == null) return;
                    GgufTensor t = tensor(gguf, entry, arch.transposed(name), arena);
                    if (tensors.put(gguf, t) != null) throw new CheckpointFormatException("tensor " + name + " appears twice");
                });
            }
            if (arch.untied(config) && !tensors.containsKey("output.weight")) {
                throw new CheckpointFormatException("lm_head.weight is missing, and config.json does not tie it to the embeddings");
            }
            float[] freqs = arch == HfArchitecture.GPT2 ? null
                    : Rotary.freqFactors(config, ((Number) md.get(arch.gguf + ".rope.dimension_count")).intValue());
            if (freqs != null) tensors.put("rope_freqs.weight", vector("rope_freqs.weight", freqs, arena));
            HfTokenizer.addMetadata(files, config, ((Number) md.get(arch.gguf + ".vocab_size")).intValue(), md);
            return new HfCheckpoint(dir, arena, GgufMetadata.of(md), Collections.unmodifiableMap(tensors), files.used());
        } catch (CheckpointFormatException e) {
            arena.close();
            throw new CheckpointFormatException(dir + ": " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Tensor name to shard, from model.safetensors.index.json; empty when the weights are one model.safetensors. */
    private static Map<String, String> index(HfFiles files) {
        if (files.exists("model.safetensors.index.json")) {
            JsonNode map = files.json("model.safetensors.index.json").path("weight_map");
            if (!map.isObject() || map.isEmpty()) throw new CheckpointFormatException("model.safetensors.index.json has no weight_map");
            Map<String, String> index = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                index.put(e.getKey(), e.getValue().asText());
            }
            return index;
        }
        if (files.exists("model.safetensors")) return Map.of();
        throw new CheckpointFormatException("no model.safetensors or model.safetensors.index.json (only safetensors weights are read)");
    }

    /** GGUF dims run fastest first: the reverse of the stored shape. */
    private static GgufTensor tensor(String name, SafetensorsFile.Entry e, boolean transpose, Arena arena) {
        long[] shape = e.shape();
        if (transpose) {
            if (shape.length != 2) throw new CheckpointFormatException("tensor " + e.name() + " should be a matrix");
            return new GgufTensor(name, e.type(), new long[] {shape[0], shape[1]}, transposed(e, arena));
        }
        long[] dims = new long[Math.max(shape.length, 1)];
        dims[0] = 1;
        for (int i = 0; i < shape.length; i++) dims[i] = shape[shape.length - 1 - i];
        return new GgufTensor(name, e.type(), dims, e.data());
    }

    /** A [rows x cols] matrix copied to [cols x rows], in tiles so that both sides stay in cache. */
    private static MemorySegment transposed(SafetensorsFile.Entry e, Arena arena) {
        int rows = Math.toIntExact(e.shape()[0]), cols = Math.toIntExact(e.shape()[1]);
        long width = e.type() == GgmlType.F32 ? 4 : 2;
        MemorySegment src = e.data(), dst = arena.allocate(src.byteSize(), 64);
        final int tile = 32;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            for (int c0 = 0; c0 < cols; c0 += tile) {
                for (int r = r0; r < Math.min(rows, r0 + tile); r++) {
                    for (int c = c0; c < Math.min(cols, c0 + tile); c++) {
                        long from = ((long) r * cols + c) * width, to = ((long) c * rows + r) * width;
                        if (width == 4) dst.set(ValueLayout.JAVA_INT_UNALIGNED, to, src.get(ValueLayout.JAVA_INT_UNALIGNED, from));
                        else dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, to, src.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
                    }
                }
            }
        }
        return dst.asReadOnly();
    }

    private static GgufTensor vector(String name, float[] values, Arena arena) {
        MemorySegment s = arena.allocate(4L * values.length, 64);
        for (int i = 0; i < values.length; i++) s.setAtIndex(F32_LE, i, values[i]);
        return new GgufTensor(name, GgmlType.F32, new long[] {values.length}, s.asReadOnly());
    }

    @Override
    public Path path() {
        return dir;
    }

    @Override
    public List<Path> files() {
        return files;
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
    public boolean ropeHalves() {
        return true;
    }

    @Override
    public void close() {
        arena.close();
    }
}
