package dev.genstream.engine.kernels;

/**
 * Rotary position embedding. NORM rotates adjacent pairs (x[2i], x[2i+1]), the layout llama.cpp's converter
 * gives llama-family Q/K weights; NEOX rotates (x[i], x[i + d/2]), as Qwen and GPT-NeoX keep them.
 * Optional per-frequency divisors carry Llama-3 scaling ({@code rope_freqs.weight}) and LongRoPE's short or long
 * factors; a frequency scale carries linear scaling, and a magnitude scale LongRoPE's attention factor on cos and sin.
 */
public final class Rope {
    public enum Layout { NORM, NEOX }

    private final Layout layout;
    private final int dims;
    private final float[] invFreq;
    private final float magnitude;

    public Rope(Layout layout, int dims, double theta, float[] freqFactors) {
        this(layout, dims, theta, freqFactors, 1f, 1f);
    }

    public Rope(Layout layout, int dims, double theta, float[] freqFactors, float freqScale, float magnitude) {
        if (dims % 2 != 0) throw new IllegalArgumentException("rope dimension must be even, got " + dims);
        if (freqFactors != null && freqFactors.length != dims / 2) {
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " factors, expected " + dims / 2);
        }
        this.layout = layout;
        this.dims = dims;
        this.magnitude = magnitude;
        this.invFreq = new float[dims / 2];
        for (int i = 0; i < dims / 2; i++) {
            double f = 1.0 / StrictMath.pow(theta, (2.0 * i) / dims);
            invFreq[i] = (float) (freqScale * (freqFactors == null ? f : f / freqFactors[i]));
        }
    }

    public int dims() {
        return dims;
    }

    /** Fills cos/sin (each dims/2 long) for one position; shared by all heads of that row. */
    public void angles(int pos, float[] cos, float[] sin) {
        for (int i = 0; i < invFreq.length; i++) {
            float a = pos * invFreq[i];
            cos[i] = (float) StrictMath.cos(a) * magnitude;
            sin[i] = (float) StrictMath.sin(a) * magnitude;
        }
    }

    /** Rotates the first {@code dims} values of each of nHeads heads of size headDim starting at off. */
    public void apply(float[] x, int off, int nHeads, int headDim, float[] cos, float[] sin) {
        int half = dims / 2;
        for (int h = 0; h < nHeads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = layout == Layout.NORM ? base + 2 * i : base + i;
                int b = layout == Layout.NORM ? a + 1 : a + half;
                float x0 = x[a], x1 = x[b];
                x[a] = x0 * cos[i] - x1 * sin[i];
                x[b] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }
}
