package dev.genstream.engine.synth;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.GgufWriter;
import dev.genstream.engine.quant.Quantizer;
import java.io.OutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a model of a preset's exact shape with seeded random weights, as a GGUF llama.cpp and this engine load.
 * Every row's values depend only on (seed, tensor, row), so rows are generated in parallel and the file is the
 * same for a seed whatever the thread count. Tensors stream to the file a chunk of rows at a time: the heap holds
 * one chunk (a few MB), never a tensor.
 */
public final class Synthesizer {
    static final float WEIGHT_STD = 0.02f;
    private static final int CHUNK_BYTES = 4 << 20;

    private Synthesizer() {}

    /** general.file_type (llama_ftype) for a file whose matrices are {@code type}. */
    public static int fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 15; // MOSTLY_Q4_K_M: what llama-quantize wrote for the pure q4_k reference file
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("cannot synthesize " + type);
        };
    }

    /** A writer holding the whole model's metadata and lazily produced tensors; nothing is generated until write. */
    public static GgufWriter writer(Preset p, GgmlType type, long seed, GgufMetadata vocabSource) {
        fileType(type);
        GgufWriter w = new GgufWriter();
        String a = p.arch() + ".";
        w.put("general.architecture", p.arch());
        w.put("general.type", "model");
        w.put("general.name", "genstream synth " + p.name() + " (random weights, seed " + seed + ")");
        w.put("general.file_type", new GgufWriter.U32(fileType(type)));
        w.put("general.quantization_version", new GgufWriter.U32(2));
        w.put(a + "block_count", new GgufWriter.U32(p.layers()));
        w.put(a + "context_length", new GgufWriter.U32(p.contextLength()));
        w.put(a + "embedding_length", new GgufWriter.U32(p.dim()));
        w.put(a + "feed_forward_length", new GgufWriter.U32(p.ffnDim()));
        w.put(a + "attention.head_count", new GgufWriter.U32(p.heads()));
        w.put(a + "attention.head_count_kv", new GgufWriter.U32(p.kvHeads()));
        w.put(a + "attention.key_length", new GgufWriter.U32(p.headDim()));
        w.put(a + "attention.value_length", new GgufWriter.U32(p.headDim()));
        w.put(a + "rope.dimension_count", new GgufWriter.U32(p.ropeDim()));
        w.put(a + "rope.freq_base", p.ropeTheta());
        if (p.slidingWindow() > 0) {
            w.put(a + "attention.sliding_window", new GgufWriter.U32(p.slidingWindow()));
            w.put(a + "rope.freq_base_swa", p.ropeThetaLocal());
        }
        if (p.longRope() > 0) {
            w.put(a + "rope.scaling.original_context_length", new GgufWriter.U32(p.longRope()));
            w.put(a + "rope.scaling.attn_factor", p.longRopeAttnFactor());
        }
        w.put(a + "attention.layer_norm_rms_epsilon", p.normEps());
        w.put(a + "vocab_size", new GgufWriter.U32(p.vocabSize()));
        Vocabulary.put(w, vocabSource, p.vocabSize());
        List<TensorSpec> plan = TensorSpec.plan(p, type);
        for (int i = 0; i < plan.size(); i++) {
            TensorSpec t = plan.get(i);
            long tensorSeed = seed * 0x9E3779B97F4A7C15L + i;
            w.tensor(t.name(), t.type(), t.dims(), out -> write(t, p, tensorSeed, out));
        }
        return w;
    }

    private static void write(TensorSpec t, Preset p, long tensorSeed, OutputStream out) throws java.io.IOException {
        Quantizer q = Quantizer.of(t.type());
        int rowBytes = Math.toIntExact(t.type().bytesFor(t.cols()));
        int chunkRows = Math.max(1, Math.min(t.rows(), CHUNK_BYTES / Math.max(rowBytes, 4 * t.cols())));
        byte[] chunk = new byte[chunkRows * rowBytes];
        for (int r0 = 0; r0 < t.rows(); r0 += chunkRows) {
            int n = Math.min(chunkRows, t.rows() - r0), first = r0;
            IntStream.range(0, n).parallel().forEach(i -> {
                float[] row = values(t, p, tensorSeed, first + i);
                q.quantize(row, 0, row.length, chunk, i * rowBytes);
            });
            out.write(chunk, 0, n * rowBytes);
        }
    }

    /** Row r of tensor t, from (seed, tensor, row) alone. */
    static float[] values(TensorSpec t, Preset p, long tensorSeed, int r) {
        if (t.fill() == TensorSpec.Fill.ROPE_FREQS) return p.ropeScaling().freqFactors(p.headDim(), p.ropeTheta());
        if (t.fill() == TensorSpec.Fill.ROPE_LONG || t.fill() == TensorSpec.Fill.ROPE_SHORT) {
            return p.longRopeFactors(t.fill() == TensorSpec.Fill.ROPE_LONG);
        }
        SplittableRandom rnd = new SplittableRandom(tensorSeed * 0xBF58476D1CE4E5B9L + r);
        float[] row = new float[t.cols()];
        float base = t.fill() == TensorSpec.Fill.NORM ? 1f : 0f;
        for (int i = 0; i < row.length; i++) row[i] = base + WEIGHT_STD * (float) rnd.nextGaussian();
        return row;
    }
}
