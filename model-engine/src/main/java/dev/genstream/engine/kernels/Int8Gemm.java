package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of 32-weight integer blocks with {@link Q8Activations}, in the one order every Q8_0/Q4_0 output
 * follows. Per block, lane j of an eight-lane partial sum holds the exact integer
 * w[2j]x[2j] + w[2j+1]x[2j+1] + w[16+2j]x[16+2j] + w[17+2j]x[17+2j]; then acc = partial * (dw * dx) + acc, and the
 * result is sum(acc). The single-row kernel gets the partial from 16-bit multiplies; the batched one from floats
 * laid out in "pair order" (chunks w[0,2..14], w[1,3..15], w[16,18..30], w[17,19..31]). Both are exact below
 * 2^24, so they agree to the bit, and a batched row equals the same row alone.
 */
final class Int8Gemm {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_256;

    private Int8Gemm() {}

    /** One block from weights widened to shorts (w0 = weights 0..15, w1 = 16..31); products fit 16 bits in pairs. */
    static FloatVector block(ShortVector w0, ShortVector w1, short[] q, int qo, float scale, FloatVector acc) {
        ShortVector p = w0.mul(ShortVector.fromArray(S, q, qo)).add(w1.mul(ShortVector.fromArray(S, q, qo + 16)));
        IntVector pi = p.reinterpretAsInts();
        IntVector sum = pi.lanewise(VectorOperators.ASHR, 16).add(pi.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
        return ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, scale), acc);
    }

    /** Sixteen shorts as floats in pair order: the even-indexed eight, then the odd-indexed eight. */
    static void pairFloats(ShortVector v, float[] dst, int off) {
        IntVector pi = v.reinterpretAsInts();
        ((FloatVector) pi.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).intoArray(dst, off);
        ((FloatVector) pi.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).intoArray(dst, off + 8);
    }

    /**
     * Blocks [b0, b1) of one row (pair-order floats w from wOff, block scales ws from wsOff) with activation vector s,
     * continuing the accumulator kept at acc[accOff ..]: splitting the blocks into ranges keeps the same order.
     */
    static void dot(float[] w, int wOff, float[] ws, int wsOff, Q8Activations a, int s, int b0, int b1, float[] acc, int accOff) {
        float[] x = a.pairs, xd = a.d;
        int xOff = s * a.cols, dOff = s * a.blocks;
        FloatVector sum = FloatVector.fromArray(Vec.F, acc, accOff);
        for (int b = b0; b < b1; b++) {
            int wo = wOff + 32 * b, xo = xOff + 32 * b;
            sum = partial(w, wo, x, xo).fma(FloatVector.broadcast(Vec.F, ws[wsOff + b] * xd[dOff + b]), sum);
        }
        sum.intoArray(acc, accOff);
    }

    /** As {@link #dot} for activation vectors s0..s0+3, whose accumulators follow each other: each weight load serves four. */
    static void dot4(float[] w, int wOff, float[] ws, int wsOff, Q8Activations a, int s0, int b0, int b1, float[] acc, int accOff) {
        float[] x = a.pairs, xd = a.d;
        int blocks = a.blocks, cols = a.cols;
        int x0 = s0 * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int d0 = s0 * blocks, d1 = d0 + blocks, d2 = d1 + blocks, d3 = d2 + blocks;
        FloatVector a0 = FloatVector.fromArray(Vec.F, acc, accOff), a1 = FloatVector.fromArray(Vec.F, acc, accOff + 8);
        FloatVector a2 = FloatVector.fromArray(Vec.F, acc, accOff + 16), a3 = FloatVector.fromArray(Vec.F, acc, accOff + 24);
        for (int b = b0; b < b1; b++) {
            int wo = wOff + 32 * b, xo = 32 * b;
            FloatVector c0 = FloatVector.fromArray(Vec.F, w, wo), c1 = FloatVector.fromArray(Vec.F, w, wo + 8);
            FloatVector c2 = FloatVector.fromArray(Vec.F, w, wo + 16), c3 = FloatVector.fromArray(Vec.F, w, wo + 24);
            float dw = ws[wsOff + b];
            a0 = partial(c0, c1, c2, c3, x, x0 + xo).fma(FloatVector.broadcast(Vec.F, dw * xd[d0 + b]), a0);
            a1 = partial(c0, c1, c2, c3, x, x1 + xo).fma(FloatVector.broadcast(Vec.F, dw * xd[d1 + b]), a1);
            a2 = partial(c0, c1, c2, c3, x, x2 + xo).fma(FloatVector.broadcast(Vec.F, dw * xd[d2 + b]), a2);
            a3 = partial(c0, c1, c2, c3, x, x3 + xo).fma(FloatVector.broadcast(Vec.F, dw * xd[d3 + b]), a3);
        }
        a0.intoArray(acc, accOff);
        a1.intoArray(acc, accOff + 8);
        a2.intoArray(acc, accOff + 16);
        a3.intoArray(acc, accOff + 24);
    }

    private static FloatVector partial(float[] w, int wo, float[] x, int xo) {
        return partial(FloatVector.fromArray(Vec.F, w, wo), FloatVector.fromArray(Vec.F, w, wo + 8),
                FloatVector.fromArray(Vec.F, w, wo + 16), FloatVector.fromArray(Vec.F, w, wo + 24), x, xo);
    }

    private static FloatVector partial(FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3, float[] x, int xo) {
        FloatVector p = c0.mul(FloatVector.fromArray(Vec.F, x, xo));
        p = c1.fma(FloatVector.fromArray(Vec.F, x, xo + 8), p);
        p = c2.fma(FloatVector.fromArray(Vec.F, x, xo + 16), p);
        return c3.fma(FloatVector.fromArray(Vec.F, x, xo + 24), p);
    }
}
