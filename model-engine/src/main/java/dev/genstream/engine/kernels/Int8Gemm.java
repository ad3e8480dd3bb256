package dev.genstream.engine.kernels;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One 32-weight integer block times {@link Q8Activations}, in the one order every Q8_0/Q4_0 output follows: lane j
 * of an eight-lane partial sum holds the exact integer w[2j]x[2j] + w[2j+1]x[2j+1] + w[16+2j]x[16+2j] +
 * w[17+2j]x[17+2j]; then acc = partial * (dw * dx) + acc, and a row's result is the fixed-order sum of acc.
 */
final class Int8Gemm {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_256;

    private Int8Gemm() {}

    /** Sixteen signed bytes from the mapped file widened to shorts. */
    static ShortVector bytes(MemorySegment seg, long offset) {
        return (ShortVector) ByteVector.fromMemorySegment(Vec.B128, seg, offset, Vec.LE).convertShape(VectorOperators.B2S, S, 0);
    }

    /** Sixteen signed bytes from an array widened to shorts. */
    static ShortVector bytes(byte[] a, int offset) {
        return (ShortVector) ByteVector.fromArray(Vec.B128, a, offset).convertShape(VectorOperators.B2S, S, 0);
    }

    /** A block's 32 signed bytes from the mapped file widened to 32 shorts in one 512-bit vector (wide kernels only). */
    static ShortVector bytes512(MemorySegment seg, long offset) {
        return (ShortVector) ByteVector.fromMemorySegment(Vec.B256, seg, offset, Vec.LE).convertShape(VectorOperators.B2S, Vec.S512, 0);
    }

    /** {@link #block} from one 512-bit vector of the block's 32 weights (see {@link #products512}). */
    static FloatVector block512(ShortVector w, short[] q, int qo, boolean narrow, float scale, FloatVector acc) {
        IntVector p = pairSum(products512(w, q, qo).reinterpretAsInts(), narrow);
        return ((FloatVector) p.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, scale), acc);
    }

    /**
     * The sixteen shorts w0*q0 + w1*q1 of {@link #pairs}, from one 512-bit multiply of all 32 products whose halves
     * are then added: the same 16-bit products and the same 16-bit adds, so the same bits at either width.
     */
    static ShortVector products512(ShortVector w, short[] q, int qo) {
        ShortVector p = w.mul(ShortVector.fromArray(Vec.S512, q, qo));
        return ((ShortVector) p.reinterpretShape(S, 0)).add((ShortVector) p.reinterpretShape(S, 1));
    }

    /** One block from weights widened to shorts (w0 = weights 0..15, w1 = 16..31); products fit 16 bits in pairs. */
    static FloatVector block(ShortVector w0, ShortVector w1, short[] q, int qo, boolean narrow, float scale, FloatVector acc) {
        return ((FloatVector) pairs(w0, w1, q, qo, narrow).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, scale), acc);
    }

    /**
     * A block's exact integer dot product in {@link #block}'s eight lanes. Narrow (4-bit) weights keep each lane's
     * four products within a short, so {@link #sumHalves} can add them with one shift less.
     */
    static IntVector pairs(ShortVector w0, ShortVector w1, short[] q, int qo, boolean narrow) {
        ShortVector p = w0.mul(ShortVector.fromArray(S, q, qo)).add(w1.mul(ShortVector.fromArray(S, q, qo + 16)));
        return pairSum(p.reinterpretAsInts(), narrow);
    }

    /** Per int lane, the exact sum of its two signed 16-bit halves. */
    static IntVector pairSum(IntVector pi, boolean narrow) {
        if (narrow) return sumHalves(pi);
        return pi.lanewise(VectorOperators.ASHR, 16).add(pi.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
    }

    /** Per int lane, the sum of its two signed 16-bit halves, when that sum fits a short: the high half of p + (p << 16). */
    static IntVector sumHalves(IntVector p) {
        return p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
    }

    /**
     * Four activation vectors s..s+3 times one row widened to shorts (w from wOff, block scales ws from wsOff):
     * out[outOff + k * outStride] for k = 0..3, each in {@link #block}'s order, so equal to that row's single dot.
     * Written out in one method: calls left to C2 here were not inlined, and every vector they took was boxed.
     * 256 bits at either width: on this Zen 4 host a 512-bit version (two rows per vector) measured no faster.
     */
    static void dot4(short[] w, int wOff, float[] ws, int wsOff, boolean narrow, Q8Activations a, int s, float[] out, int outOff, int outStride) {
        short[] q = a.q;
        float[] d = a.d;
        int cols = a.cols, blocks = a.blocks;
        int q0 = s * cols, q1 = q0 + cols, q2 = q1 + cols, q3 = q2 + cols;
        int d0 = s * blocks, d1 = d0 + blocks, d2 = d1 + blocks, d3 = d2 + blocks;
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            int o = 32 * b;
            ShortVector w0 = ShortVector.fromArray(S, w, wOff + o), w1 = ShortVector.fromArray(S, w, wOff + o + 16);
            float dw = ws[wsOff + b];
            IntVector p0 = w0.mul(ShortVector.fromArray(S, q, q0 + o)).add(w1.mul(ShortVector.fromArray(S, q, q0 + o + 16))).reinterpretAsInts();
            IntVector p1 = w0.mul(ShortVector.fromArray(S, q, q1 + o)).add(w1.mul(ShortVector.fromArray(S, q, q1 + o + 16))).reinterpretAsInts();
            IntVector p2 = w0.mul(ShortVector.fromArray(S, q, q2 + o)).add(w1.mul(ShortVector.fromArray(S, q, q2 + o + 16))).reinterpretAsInts();
            IntVector p3 = w0.mul(ShortVector.fromArray(S, q, q3 + o)).add(w1.mul(ShortVector.fromArray(S, q, q3 + o + 16))).reinterpretAsInts();
            if (narrow) {
                p0 = p0.add(p0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
                p1 = p1.add(p1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
                p2 = p2.add(p2.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
                p3 = p3.add(p3.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
            } else {
                p0 = p0.lanewise(VectorOperators.ASHR, 16).add(p0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                p1 = p1.lanewise(VectorOperators.ASHR, 16).add(p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                p2 = p2.lanewise(VectorOperators.ASHR, 16).add(p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                p3 = p3.lanewise(VectorOperators.ASHR, 16).add(p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            }
            acc0 = ((FloatVector) p0.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, dw * d[d0 + b]), acc0);
            acc1 = ((FloatVector) p1.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, dw * d[d1 + b]), acc1);
            acc2 = ((FloatVector) p2.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, dw * d[d2 + b]), acc2);
            acc3 = ((FloatVector) p3.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, dw * d[d3 + b]), acc3);
        }
        float[] lanes = new float[4 * Vec.LANES];
        acc0.intoArray(lanes, 0);
        acc1.intoArray(lanes, 8);
        acc2.intoArray(lanes, 16);
        acc3.intoArray(lanes, 24);
        for (int k = 0; k < 4; k++) out[outOff + k * outStride] = Vec.sum(lanes, 8 * k);
    }
}
