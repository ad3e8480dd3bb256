package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The batched Q8_0/Q4_0 kernel at 512 bits: two weight rows share each vector, so every 16-bit multiply, pair sum,
 * conversion and fused multiply-add is full width, while each row keeps its own eight float lanes (lanes 0-7 and
 * 8-15) and so {@link Int8Gemm}'s order and bits.
 *
 * <p>A row pair (r, r') is packed per block as two 32-short vectors, lo = [r 0..15, r' 16..31] and
 * hi = [r 16..31, r' 0..15], times the activations q and their half-swapped copy (see
 * {@link Q8Activations#swapHalves}): lo*q + hi*swapped puts in lane i &lt; 16 r's w[i]x[i] + w[16+i]x[16+i], and in
 * lane 16+i the same sum for r' - the sixteen shorts of {@link Int8Gemm#pairs} for both rows at once. A pair's
 * block scales are sixteen floats, [d(r) x8, d(r') x8].
 */
final class PairedGemm {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Shorts per packed block of a row pair, and floats of its scales. */
    static final int PAIR_BLOCK = 64, PAIR_SCALES = 16;

    private PairedGemm() {}

    /**
     * Four activation vectors s..s+3 times the row pair packed at w[wOff ..] (scales at ws[wsOff ..]), for rows r and
     * r+1: out[k * rows + r (+1)] for vector s+k.
     */
    static void dot4(short[] w, int wOff, float[] ws, int wsOff, boolean narrow, Q8Activations a, int s, float[] out, int r, int rows, float[] lanes) {
        short[] q = a.q, qs = a.swapped;
        float[] d = a.d;
        int cols = a.cols, blocks = a.blocks;
        int q0 = s * cols, q1 = q0 + cols, q2 = q1 + cols, q3 = q2 + cols;
        int d0 = s * blocks, d1 = d0 + blocks, d2 = d1 + blocks, d3 = d2 + blocks;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            int o = 32 * b, wo = wOff + PAIR_BLOCK * b;
            ShortVector lo = ShortVector.fromArray(S, w, wo), hi = ShortVector.fromArray(S, w, wo + 32);
            FloatVector sc = FloatVector.fromArray(F, ws, wsOff + PAIR_SCALES * b);
            IntVector p0 = lo.mul(ShortVector.fromArray(S, q, q0 + o)).add(hi.mul(ShortVector.fromArray(S, qs, q0 + o))).reinterpretAsInts();
            IntVector p1 = lo.mul(ShortVector.fromArray(S, q, q1 + o)).add(hi.mul(ShortVector.fromArray(S, qs, q1 + o))).reinterpretAsInts();
            IntVector p2 = lo.mul(ShortVector.fromArray(S, q, q2 + o)).add(hi.mul(ShortVector.fromArray(S, qs, q2 + o))).reinterpretAsInts();
            IntVector p3 = lo.mul(ShortVector.fromArray(S, q, q3 + o)).add(hi.mul(ShortVector.fromArray(S, qs, q3 + o))).reinterpretAsInts();
            if (narrow) {
                // Four 4-bit products fit a short: the high half of p + (p << 16), as Int8Gemm#sumHalves.
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
            acc0 = ((FloatVector) p0.convert(VectorOperators.I2F, 0)).fma(sc.mul(d[d0 + b]), acc0);
            acc1 = ((FloatVector) p1.convert(VectorOperators.I2F, 0)).fma(sc.mul(d[d1 + b]), acc1);
            acc2 = ((FloatVector) p2.convert(VectorOperators.I2F, 0)).fma(sc.mul(d[d2 + b]), acc2);
            acc3 = ((FloatVector) p3.convert(VectorOperators.I2F, 0)).fma(sc.mul(d[d3 + b]), acc3);
        }
        acc0.intoArray(lanes, 0);
        acc1.intoArray(lanes, 16);
        acc2.intoArray(lanes, 32);
        acc3.intoArray(lanes, 48);
        for (int k = 0; k < 4; k++) {
            int at = (s + k) * rows + r;
            out[at] = Vec.sum(lanes, 16 * k);
            out[at + 1] = Vec.sum(lanes, 16 * k + 8);
        }
    }

    /** {@link #dot4} for one activation vector s. */
    static void dot1(short[] w, int wOff, float[] ws, int wsOff, boolean narrow, Q8Activations a, int s, float[] out, int r, int rows, float[] lanes) {
        short[] q = a.q, qs = a.swapped;
        float[] d = a.d;
        int q0 = s * a.cols, d0 = s * a.blocks, blocks = a.blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            int o = 32 * b, wo = wOff + PAIR_BLOCK * b;
            ShortVector lo = ShortVector.fromArray(S, w, wo), hi = ShortVector.fromArray(S, w, wo + 32);
            IntVector p = lo.mul(ShortVector.fromArray(S, q, q0 + o)).add(hi.mul(ShortVector.fromArray(S, qs, q0 + o))).reinterpretAsInts();
            p = narrow ? p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    : p.lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            FloatVector sc = FloatVector.fromArray(F, ws, wsOff + PAIR_SCALES * b);
            acc = ((FloatVector) p.convert(VectorOperators.I2F, 0)).fma(sc.mul(d[d0 + b]), acc);
        }
        acc.intoArray(lanes, 0);
        int at = s * rows + r;
        out[at] = Vec.sum(lanes, 0);
        out[at + 1] = Vec.sum(lanes, 8);
    }
}
