package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A float model quantized while it loads, tensor for tensor as llama.cpp's {@code llama-quantize} would write it
 * (reference quantizers, no importance matrix): every 2-D float weight but the learned positions becomes the type;
 * for Q4_0, the output matrix (the token embedding when tied) becomes Q6_K, or Q8_0 where its rows do not fill Q6_K's
 * 256-value blocks. The blocks live in native memory owned by this source; the rest stays a view of the original.
 */
public final class QuantizedSource implements TensorSource {
    private final TensorSource source;
    private final Arena arena;
    private final Map<String, GgufTensor> tensors;

    private QuantizedSource(TensorSource source, Arena arena, Map<String, GgufTensor> tensors) {
        this.source = source;
        this.arena = arena;
        this.tensors = tensors;
    }

    /** Quantizes {@code source}'s float matrices to Q8_0 or Q4_0; takes ownership of {@code source}. */
    public static QuantizedSource of(TensorSource source, GgmlType type) {
        if (type != GgmlType.Q8_0 && type != GgmlType.Q4_0) {
            throw new IllegalArgumentException("quantizing at load supports q8_0 and q4_0, not " + type.name().toLowerCase());
        }
        Arena arena = Arena.ofShared();
        try {
            String outputName = source.hasTensor("output.weight") ? "output.weight" : "token_embd.weight";
            Map<String, GgufTensor> out = new LinkedHashMap<>();
            for (GgufTensor t : source.tensors().values()) {
                GgmlType target = target(t, type, t.name().equals(outputName));
                out.put(t.name(), target == null ? t : quantize(t, target, arena));
            }
            return new QuantizedSource(source, arena, Collections.unmodifiableMap(out));
        } catch (RuntimeException e) {
            arena.close();
            source.close();
            throw e;
        }
    }

    /** The type a tensor becomes, or null when it stays as it is. */
    private static GgmlType target(GgufTensor t, GgmlType type, boolean output) {
        boolean floats = t.type() == GgmlType.F32 || t.type() == GgmlType.F16 || t.type() == GgmlType.BF16;
        if (!floats || t.dims().length != 2 || t.rows() == 1 || !t.name().endsWith(".weight")
                || t.name().equals("position_embd.weight") || t.rowLength() % 32 != 0) {
            return null;
        }
        if (output && type == GgmlType.Q4_0) return t.rowLength() % 256 == 0 ? GgmlType.Q6_K : GgmlType.Q8_0;
        return type;
    }

    private static GgufTensor quantize(GgufTensor t, GgmlType type, Arena arena) {
        WeightMatrix m = WeightMatrix.of(t);
        Quantizer q = Quantizer.of(type);
        int cols = t.rowLength();
        long rowBytes = type.bytesFor(cols);
        MemorySegment dst = arena.allocate(rowBytes * t.rows(), 64);
        IntStream.range(0, t.rows()).parallel().forEach(r -> {
            float[] row = new float[cols];
            byte[] blocks = new byte[(int) rowBytes];
            m.readRow(r, row, 0);
            q.quantize(row, 0, cols, blocks, 0);
            MemorySegment.copy(MemorySegment.ofArray(blocks), 0, dst, r * rowBytes, rowBytes);
        });
        return new GgufTensor(t.name(), type, t.dims(), dst.asReadOnly());
    }

    @Override
    public Path path() {
        return source.path();
    }

    @Override
    public List<Path> files() {
        return source.files();
    }

    @Override
    public GgufMetadata metadata() {
        return source.metadata();
    }

    @Override
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    @Override
    public boolean ropeHalves() {
        return source.ropeHalves();
    }

    @Override
    public void close() {
        arena.close();
        source.close();
    }
}
