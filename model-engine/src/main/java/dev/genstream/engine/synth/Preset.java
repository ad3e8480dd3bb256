package dev.genstream.engine.synth;

import java.util.List;

/**
 * The shape of a real model, to synthesize with random weights: hyperparameters as the published GGUF conversions
 * carry them. All presets tie the output matrix to the token embedding, as the real models do.
 *
 * @param ropeScaling Llama-3 frequency scaling, or null
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
        boolean qkvBias,
        RopeScaling ropeScaling) {

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

    public static final List<Preset> ALL = List.of(LLAMA32_1B, QWEN25_05B, SMOLLM2_135M, TINY);

    public static Preset named(String name) {
        return ALL.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown preset '" + name + "' (known: " + String.join(", ", ALL.stream().map(Preset::name).toList()) + ")"));
    }

    public int headDim() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
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
