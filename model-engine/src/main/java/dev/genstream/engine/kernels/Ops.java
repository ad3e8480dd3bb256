package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Elementwise and small-vector kernels on float arrays. Every reduction runs in one fixed order, and exp comes from
 * {@link FastExp} (plain IEEE arithmetic), so results are the same on every JVM, CPU and JIT state.
 */
public final class Ops {
    private Ops() {}

    /**
     * The value of largest magnitude among x[off .. off+n), sign kept (the first on ties; 0 for all zeros): ggml's
     * quantizers scale so that this value lands on the end of the range.
     */
    public static float maxByMagnitude(float[] x, int off, int n) {
        float max = 0, amax = 0;
        for (int i = off; i < off + n; i++) {
            float ax = Math.abs(x[i]);
            if (ax > amax) {
                amax = ax;
                max = x[i];
            }
        }
        return max;
    }

    /** a · b over n floats. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(Vec.F);
        int i = 0;
        for (int end = n - Vec.LANES; i <= end; i += Vec.LANES) {
            acc = FloatVector.fromArray(Vec.F, a, aOff + i).fma(FloatVector.fromArray(Vec.F, b, bOff + i), acc);
        }
        // Vec.sum's tree on the lanes themselves: an array here is allocated on every call (it escapes intoArray)
        float sum = ((acc.lane(0) + acc.lane(1)) + (acc.lane(2) + acc.lane(3))) + ((acc.lane(4) + acc.lane(5)) + (acc.lane(6) + acc.lane(7)));
        for (; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /**
     * a · b over n values where b holds f16 bits (an f16 KV cache): the same order as {@link #dot}, so the result
     * equals {@code dot} over b widened to float.
     */
    public static float dotF16(float[] a, int aOff, short[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(Vec.F);
        int i = 0;
        for (int end = n - Vec.LANES; i <= end; i += Vec.LANES) {
            acc = FloatVector.fromArray(Vec.F, a, aOff + i).fma(Vec.f16x8(b, bOff + i), acc);
        }
        // Vec.sum's tree on the lanes themselves: an array here is allocated on every call (it escapes intoArray)
        float sum = ((acc.lane(0) + acc.lane(1)) + (acc.lane(2) + acc.lane(3))) + ((acc.lane(4) + acc.lane(5)) + (acc.lane(6) + acc.lane(7)));
        for (; i < n; i++) sum += a[aOff + i] * Float.float16ToFloat(b[bOff + i]);
        return sum;
    }

    /** y += a * x over n values where x holds f16 bits; each element one fused multiply-add, as {@link #axpy}. */
    public static void axpyF16(float a, short[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(Vec.F, a);
        for (int end = n - Vec.LANES; i <= end; i += Vec.LANES) {
            Vec.f16x8(x, xOff + i).fma(va, FloatVector.fromArray(Vec.F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.fma(Float.float16ToFloat(x[xOff + i]), a, y[yOff + i]);
    }

    /**
     * y += a * x over n floats, each element one fused multiply-add (the tail too), so the result is the same at
     * any vector width: this runs at {@link Vec#FW}.
     */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(Vec.FW, a);
        for (int end = n - Vec.FW.length(); i <= end; i += Vec.FW.length()) {
            FloatVector.fromArray(Vec.FW, x, xOff + i).fma(va, FloatVector.fromArray(Vec.FW, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.fma(x[xOff + i], a, y[yOff + i]);
    }

    /** y += x over n floats. */
    public static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += x[xOff + i];
    }

    /** out = x / sqrt(mean(x²) + eps) * w. */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] w, int n, float eps) {
        float ss = dot(x, xOff, x, xOff, n);
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = w[i] * (x[xOff + i] * inv);
    }

    /** out = (x - mean) / sqrt(var + eps) * w + b. */
    public static void layerNorm(float[] out, int outOff, float[] x, int xOff, float[] w, float[] b, int n, float eps) {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += x[xOff + i];
        float mean = sum / n;
        float var = 0;
        for (int i = 0; i < n; i++) {
            float d = x[xOff + i] - mean;
            var += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(var / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * inv * w[i] + b[i];
    }

    /** In-place softmax over x[off .. off+n). */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) FastExp.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    /** SwiGLU: gate = silu(gate) * up, over n floats. */
    public static void siluMul(float[] gate, int gOff, float[] up, int uOff, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gOff + i];
            gate[gOff + i] = silu(g) * up[uOff + i];
        }
    }

    /** GELU, tanh approximation (GPT-2's "gelu_new"), in place. */
    /** gate = gelu_tanh(gate) * up: gemma's GeGLU. */
    public static void geluMul(float[] gate, int gOff, float[] up, int uOff, int n) {
        geluTanh(gate, gOff, n);
        for (int i = 0; i < n; i++) gate[gOff + i] *= up[uOff + i];
    }

    /** x = cap * tanh(x / cap): gemma's soft-capping of scores and logits. */
    public static void softcap(float[] x, int off, int n, float cap) {
        for (int i = 0; i < n; i++) x[off + i] = cap * tanh(x[off + i] / cap);
    }

    public static void geluTanh(float[] x, int off, int n) {
        final float c = (float) Math.sqrt(2.0 / Math.PI);
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            x[off + i] = 0.5f * v * (1f + tanh(c * (v + 0.044715f * v * v * v)));
        }
    }

    /** x·sigmoid(x), with exp only of non-positive arguments (FastExp's domain). */
    static float silu(float x) {
        if (x >= 0) return x / (1f + (float) FastExp.exp(-x));
        float e = (float) FastExp.exp(x);
        return x * e / (1f + e);
    }

    static float tanh(float y) {
        float e = (float) FastExp.exp(-2.0 * Math.abs(y));
        return Math.copySign((1f - e) / (1f + e), y);
    }

    /** x[off ..] += bias. */
    public static void addBias(float[] x, int off, float[] bias) {
        add(bias, 0, x, off, bias.length);
    }
}
