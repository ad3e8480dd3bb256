package dev.genstream.engine.synth;

import java.util.List;

/**
 * The shape of a real model, to synthesize with random weights: hyperparameters as the published GGUF conversions
 * carry them. All presets tie the output matrix to the token embedding, as the real models do. Fused matrices
 * (phi3's qkv and gate/up) follow from the architecture.
 *
 * @param ropeScaling    Llama-3 frequency scaling, or null
 * @param ropeDim        rotated dimensions of a head (partial rotary: fewer than headDim)
 * @param qkNorm         per-head RMSNorm on q and k (qwen3, gemma3)
 * @param postNorms      norms after attention and after the FFN (gemma)
 * @param slidingWindow  the local layers' window (gemma3: five of six layers), 0 for none
 * @param ropeThetaLocal the local layers' RoPE base
 * @param longRope       LongRoPE's original context, or 0
 */
public record Preset(
        String name,
        String arch,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float ropeTheta,
        float normEps,
        int headDim,
        boolean qkvBias,
        RopeScaling ropeScaling,
        int ropeDim,
        boolean qkNorm,
        boolean postNorms,
        int slidingWindow,
        float ropeThetaLocal,
        int longRope) {

    /** A llama-family shape: head_dim = hidden / heads, full rotary, nothing else. */
    public Preset(String name, String arch, int dim, int layers, int heads, int kvHeads, int ffnDim, int vocabSize,
                  int contextLength, float ropeTheta, float normEps, boolean qkvBias, RopeScaling ropeScaling) {
        this(name, arch, dim, layers, heads, kvHeads, ffnDim, vocabSize, contextLength, ropeTheta, normEps, dim / heads,
                qkvBias, ropeScaling, dim / heads, false, false, 0, ropeTheta, 0);
    }

    /** meta-llama/Llama-3.2-1B: 1,235,814,400 parameters. */
    public static final Preset LLAMA32_1B = new Preset("llama3.2-1b", "llama", 2048, 16, 32, 8, 8192, 128256, 131072,
            500000f, 1e-5f, false, new RopeScaling(32f, 1f, 4f, 8192));
    /** Qwen/Qwen2.5-0.5B: 494,032,768 parameters. */
    public static final Preset QWEN25_05B = new Preset("qwen2.5-0.5b", "qwen2", 896, 24, 14, 2, 4864, 151936, 32768,
            1000000f, 1e-6f, true, null);
    /** HuggingFaceTB/SmolLM2-135M: 134,515,008 parameters. */
    public static final Preset SMOLLM2_135M = new Preset("smollm2-135m", "llama", 576, 30, 9, 3, 1536, 49152, 8192,
            100000f, 1e-5f, false, null);
    /** A small Llama-3-style model for tests: every matrix a whole number of 256-blocks, fillers in the vocabulary. */
    public static final Preset TINY = new Preset("tiny", "llama", 256, 2, 4, 2, 512, 4352, 512,
            500000f, 1e-5f, false, new RopeScaling(8f, 1f, 4f, 128));

    /** Qwen/Qwen3-0.6B: 596,049,920 parameters; head_dim 128, so q is 2048 wide on a 1024 hidden. */
    public static final Preset QWEN3_06B = new Preset("qwen3-0.6b", "qwen3", 1024, 28, 16, 8, 3072, 151936, 40960,
            1000000f, 1e-6f, 128, false, null, 128, true, false, 0, 1000000f, 0);
    /** google/gemma-3-1b-pt: 999,885,952 parameters; window 512 on five of six layers, their RoPE base 1e4. */
    public static final Preset GEMMA3_1B = new Preset("gemma3-1b", "gemma3", 1152, 26, 4, 1, 6912, 262144, 32768,
            1000000f, 1e-6f, 256, false, null, 256, true, true, 512, 10000f, 0);
    /** microsoft/Phi-4-mini-instruct: 3,836,021,760 parameters; fused qkv and gate/up, 96 of 128 dims rotated, LongRoPE. */
    public static final Preset PHI4_MINI = new Preset("phi4-mini", "phi3", 3072, 32, 24, 8, 8192, 200064, 131072,
            10000f, 1e-5f, 128, false, null, 96, false, false, 0, 10000f, 4096);

    public static final List<Preset> ALL = List.of(LLAMA32_1B, QWEN25_05B, SMOLLM2_135M, QWEN3_06B, GEMMA3_1B, PHI4_MINI, TINY);

    public static Preset named(String name) {
        return ALL.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown preset '" + name + "' (known: " + String.join(", ", ALL.stream().map(Preset::name).toList()) + ")"));
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    /** LongRoPE's magnitude scale of cos and sin: √(1 + ln(context / original) / ln(original)), as Phi-3's HF code. */
    public float longRopeAttnFactor() {
        return (float) Math.sqrt(1 + Math.log((double) contextLength / longRope) / Math.log(longRope));
    }

    /**
     * LongRoPE's per-frequency divisors, stand-ins of the real ones' shape (the published factors are fitted, not
     * derived): short ones near 1, long ones rising geometrically to the context ratio for the slowest frequencies.
     */
    public float[] longRopeFactors(boolean longFactors) {
        float[] f = new float[ropeDim / 2];
        double ratio = (double) contextLength / longRope;
        for (int i = 0; i < f.length; i++) {
            double t = (double) i / (f.length - 1);
            f[i] = (float) (longFactors ? Math.pow(ratio, t) : 1 + 0.5 * t * t);
        }
        return f;
    }

    /**
     * Llama 3's RoPE frequency scaling: wavelengths beyond original/low are slowed by {@code factor}, those below
     * original/high kept, and the band between blended. GGUF carries it as per-pair divisors (rope_freqs.weight).
     */
    public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {
        /** The divisor of each of the headDim/2 rotary frequencies, as llama.cpp's converter computes them. */
        public float[] freqFactors(int headDim, float theta) {
            float[] f = new float[headDim / 2];
            double lowWavelen = originalContext / lowFreqFactor, highWavelen = originalContext / highFreqFactor;
            for (int i = 0; i < f.length; i++) {
                double freq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
                double wavelen = 2 * Math.PI / freq;
                if (wavelen < highWavelen) {
                    f[i] = 1f;
                } else if (wavelen > lowWavelen) {
                    f[i] = factor;
                } else {
                    double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    f[i] = (float) (1 / ((1 - smooth) / factor + smooth));
                }
            }
            return f;
        }
    }
}
