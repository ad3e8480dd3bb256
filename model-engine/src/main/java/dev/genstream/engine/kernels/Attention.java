package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One head's attention over a KV cache: scores q·k for many positions at once, and the weighted sum of values.
 *
 * <p>Keys are stored in tiles of {@link #TILE} consecutive slots, each tile dimension-major: element i of slot s
 * is at {@code t * kvDim + i * w + (s - t)}, where t is the tile's first slot and w its width (TILE, or fewer in
 * a storage's last tile). A vector load then holds one dimension of several positions, and each position's score
 * is a lane: no horizontal reduction per position. Lane by lane the arithmetic is {@link Ops#dot}'s (dimension d
 * into partial sum d mod 8, the same fixed tree, the same tail), so every score has the bits it had before.
 * Values stay position-major; their sum adds positions in order, one fused multiply-add each, as {@link Ops#axpy}.
 */
public final class Attention {
    /** Slots per key tile: whole vectors at 256 and at 512 bits. */
    public static final int TILE = 16;

    /** Positions scored per vector: as wide as the machine allows, as each lane is a separate score. */
    private static final VectorSpecies<Float> P = Vec.FW;
    private static final VectorSpecies<Short> PS = P.length() == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> PI = P.length() == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    private static final int LANES = P.length();

    private Attention() {}

    /** Where element 0 of slot s's key lives; element i is at this + i * {@link #keyStride}. */
    public static int keyIndex(int slot, int kvDim) {
        int t = slot - slot % TILE;
        return t * kvDim + slot - t;
    }

    /** The distance between consecutive elements of slot s's key: its tile's width. */
    public static int keyStride(int slot, int slots) {
        return Math.min(TILE, slots - (slot - slot % TILE));
    }

    /**
     * out[i] = scale · q·key(slot) for the len slots from start on, wrapping past the last slot to 0 (a ring), where
     * key is a head's headDim values from offset kvOff within each slot's kvDim.
     */
    public static void scores(float[] q, int qOff, float[] keys, int slots, int kvDim, int kvOff, int headDim,
            int start, int len, float scale, float[] out) {
        int run = Math.min(len, slots - start);
        scores(q, qOff, keys, null, slots, kvDim, kvOff, headDim, start, run, scale, out, 0);
        if (run < len) scores(q, qOff, keys, null, slots, kvDim, kvOff, headDim, 0, len - run, scale, out, run);
    }

    /** As above, for keys stored as f16 bits: equal to the float kernel on the widened keys. */
    public static void scores(float[] q, int qOff, short[] keys, int slots, int kvDim, int kvOff, int headDim,
            int start, int len, float scale, float[] out) {
        int run = Math.min(len, slots - start);
        scores(q, qOff, null, keys, slots, kvDim, kvOff, headDim, start, run, scale, out, 0);
        if (run < len) scores(q, qOff, null, keys, slots, kvDim, kvOff, headDim, 0, len - run, scale, out, run);
    }

    /** Scores of slots first .. first+n (no wrap) into out[outOff ..]; one of keys and keys16 is given. */
    private static void scores(float[] q, int qOff, float[] keys, short[] keys16, int slots, int kvDim, int kvOff,
            int hd, int first, int n, float scale, float[] out, int outOff) {
        int end = first + n;
        float[] lanes = null;
        for (int t = first - first % TILE; t < end; t += TILE) {
            int w = Math.min(TILE, slots - t);
            int base = t * kvDim + kvOff * w;
            if (w < TILE) {
                for (int s = Math.max(t, first); s < end; s++) {
                    out[outOff + s - first] = scale * scalarDot(q, qOff, keys, keys16, base + s - t, w, hd);
                }
                continue;
            }
            for (int h = 0; h < TILE; h += LANES) {
                int lo = t + h;
                if (lo + LANES <= first || lo >= end) continue;
                if (lo >= first && lo + LANES <= end) {
                    tileDot(q, qOff, keys, keys16, base + h, hd, scale, out, outOff + lo - first);
                } else {
                    if (lanes == null) lanes = new float[LANES];
                    tileDot(q, qOff, keys, keys16, base + h, hd, scale, lanes, 0);
                    for (int m = Math.max(0, first - lo); m < LANES && lo + m < end; m++) out[outOff + lo + m - first] = lanes[m];
                }
            }
        }
    }

    /** Scores of LANES consecutive slots of a full tile whose head starts at off, stored at dst[dstOff ..]. */
    private static void tileDot(float[] q, int qOff, float[] keys, short[] keys16, int off, int hd, float scale,
            float[] dst, int dstOff) {
        FloatVector a0 = FloatVector.zero(P), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int d = 0;
        if (keys != null) {
            for (; d + 8 <= hd; d += 8) {
                int k = off + d * TILE, qd = qOff + d;
                a0 = FloatVector.fromArray(P, keys, k).fma(FloatVector.broadcast(P, q[qd]), a0);
                a1 = FloatVector.fromArray(P, keys, k + TILE).fma(FloatVector.broadcast(P, q[qd + 1]), a1);
                a2 = FloatVector.fromArray(P, keys, k + 2 * TILE).fma(FloatVector.broadcast(P, q[qd + 2]), a2);
                a3 = FloatVector.fromArray(P, keys, k + 3 * TILE).fma(FloatVector.broadcast(P, q[qd + 3]), a3);
                a4 = FloatVector.fromArray(P, keys, k + 4 * TILE).fma(FloatVector.broadcast(P, q[qd + 4]), a4);
                a5 = FloatVector.fromArray(P, keys, k + 5 * TILE).fma(FloatVector.broadcast(P, q[qd + 5]), a5);
                a6 = FloatVector.fromArray(P, keys, k + 6 * TILE).fma(FloatVector.broadcast(P, q[qd + 6]), a6);
                a7 = FloatVector.fromArray(P, keys, k + 7 * TILE).fma(FloatVector.broadcast(P, q[qd + 7]), a7);
            }
        } else {
            for (; d + 8 <= hd; d += 8) {
                int k = off + d * TILE, qd = qOff + d;
                a0 = f16(keys16, k).fma(FloatVector.broadcast(P, q[qd]), a0);
                a1 = f16(keys16, k + TILE).fma(FloatVector.broadcast(P, q[qd + 1]), a1);
                a2 = f16(keys16, k + 2 * TILE).fma(FloatVector.broadcast(P, q[qd + 2]), a2);
                a3 = f16(keys16, k + 3 * TILE).fma(FloatVector.broadcast(P, q[qd + 3]), a3);
                a4 = f16(keys16, k + 4 * TILE).fma(FloatVector.broadcast(P, q[qd + 4]), a4);
                a5 = f16(keys16, k + 5 * TILE).fma(FloatVector.broadcast(P, q[qd + 5]), a5);
                a6 = f16(keys16, k + 6 * TILE).fma(FloatVector.broadcast(P, q[qd + 6]), a6);
                a7 = f16(keys16, k + 7 * TILE).fma(FloatVector.broadcast(P, q[qd + 7]), a7);
            }
        }
        // Vec.sum's tree, lane by lane; then the tail as Ops.dot adds it: each product rounded, then added.
        FloatVector s = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)));
        for (; d < hd; d++) {
            FloatVector k = keys != null ? FloatVector.fromArray(P, keys, off + d * TILE) : f16(keys16, off + d * TILE);
            s = s.add(k.mul(q[qOff + d]));
        }
        s.mul(scale).intoArray(dst, dstOff);
    }

    /** One key whose element i is at at + i * stride, in Ops.dot's order (for a storage's last, narrower tile). */
    private static float scalarDot(float[] q, int qOff, float[] keys, short[] keys16, int at, int stride, int hd) {
        float[] part = new float[8];
        int hd8 = hd - hd % 8;
        for (int d = 0; d < hd8; d++) part[d & 7] = Math.fma(q[qOff + d], key(keys, keys16, at + d * stride), part[d & 7]);
        float sum = Vec.sum(part, 0);
        for (int d = hd8; d < hd; d++) sum += q[qOff + d] * key(keys, keys16, at + d * stride);
        return sum;
    }

    private static float key(float[] keys, short[] keys16, int i) {
        return keys != null ? keys[i] : Float.float16ToFloat(keys16[i]);
    }

    /**
     * out[outOff ..] = Σ weights[i] · value(slot) over the len slots from start on (wrapping), values position-major.
     * Each element adds the positions in order, one fused multiply-add each starting from 0, exactly as zeroing out
     * and calling {@link Ops#axpy} per position; but 64 dimensions at a time stay in registers across positions.
     */
    public static void weightedSum(float[] weights, int len, float[] values, int slots, int kvDim, int kvOff, int headDim,
            int start, float[] out, int outOff) {
        weightedSum(weights, len, values, null, slots, kvDim, kvOff, headDim, start, out, outOff);
    }

    /** As above, for values stored as f16 bits. */
    public static void weightedSum(float[] weights, int len, short[] values, int slots, int kvDim, int kvOff, int headDim,
            int start, float[] out, int outOff) {
        weightedSum(weights, len, null, values, slots, kvDim, kvOff, headDim, start, out, outOff);
    }

    private static void weightedSum(float[] weights, int len, float[] values, short[] values16, int slots, int kvDim,
            int kvOff, int hd, int start, float[] out, int outOff) {
        int d = 0;
        for (; d + 64 <= hd; d += 64) sum64(weights, len, values, values16, slots, kvDim, kvOff + d, start, out, outOff + d);
        for (; d + 8 <= hd; d += 8) sum8(weights, len, values, values16, slots, kvDim, kvOff + d, start, out, outOff + d);
        for (; d < hd; d++) {
            float y = 0;
            for (int i = 0, slot = start; i < len; i++, slot = slot + 1 == slots ? 0 : slot + 1) {
                int at = slot * kvDim + kvOff + d;
                y = Math.fma(values != null ? values[at] : Float.float16ToFloat(values16[at]), weights[i], y);
            }
            out[outOff + d] = y;
        }
    }

    /** Eight accumulators of eight lanes: 64 dimensions, all positions. */
    private static void sum64(float[] weights, int len, float[] values, short[] values16, int slots, int kvDim, int off,
            int start, float[] out, int outOff) {
        VectorSpecies<Float> f = Vec.F;
        FloatVector y0 = FloatVector.zero(f), y1 = y0, y2 = y0, y3 = y0, y4 = y0, y5 = y0, y6 = y0, y7 = y0;
        for (int i = 0, slot = start; i < len; i++, slot = slot + 1 == slots ? 0 : slot + 1) {
            FloatVector a = FloatVector.broadcast(f, weights[i]);
            int v = slot * kvDim + off;
            if (values != null) {
                y0 = FloatVector.fromArray(f, values, v).fma(a, y0);
                y1 = FloatVector.fromArray(f, values, v + 8).fma(a, y1);
                y2 = FloatVector.fromArray(f, values, v + 16).fma(a, y2);
                y3 = FloatVector.fromArray(f, values, v + 24).fma(a, y3);
                y4 = FloatVector.fromArray(f, values, v + 32).fma(a, y4);
                y5 = FloatVector.fromArray(f, values, v + 40).fma(a, y5);
                y6 = FloatVector.fromArray(f, values, v + 48).fma(a, y6);
                y7 = FloatVector.fromArray(f, values, v + 56).fma(a, y7);
            } else {
                y0 = Vec.f16x8(values16, v).fma(a, y0);
                y1 = Vec.f16x8(values16, v + 8).fma(a, y1);
                y2 = Vec.f16x8(values16, v + 16).fma(a, y2);
                y3 = Vec.f16x8(values16, v + 24).fma(a, y3);
                y4 = Vec.f16x8(values16, v + 32).fma(a, y4);
                y5 = Vec.f16x8(values16, v + 40).fma(a, y5);
                y6 = Vec.f16x8(values16, v + 48).fma(a, y6);
                y7 = Vec.f16x8(values16, v + 56).fma(a, y7);
            }
        }
        y0.intoArray(out, outOff);
        y1.intoArray(out, outOff + 8);
        y2.intoArray(out, outOff + 16);
        y3.intoArray(out, outOff + 24);
        y4.intoArray(out, outOff + 32);
        y5.intoArray(out, outOff + 40);
        y6.intoArray(out, outOff + 48);
        y7.intoArray(out, outOff + 56);
    }

    private static void sum8(float[] weights, int len, float[] values, short[] values16, int slots, int kvDim, int off,
            int start, float[] out, int outOff) {
        FloatVector y = FloatVector.zero(Vec.F);
        for (int i = 0, slot = start; i < len; i++, slot = slot + 1 == slots ? 0 : slot + 1) {
            int v = slot * kvDim + off;
            FloatVector x = values != null ? FloatVector.fromArray(Vec.F, values, v) : Vec.f16x8(values16, v);
            y = x.fma(FloatVector.broadcast(Vec.F, weights[i]), y);
        }
        y.intoArray(out, outOff);
    }

    /** LANES f16 values widened to float, exactly (as {@link Vec#f16x8}, at the scoring width). */
    private static FloatVector f16(short[] a, int offset) {
        IntVector bits = (IntVector) ShortVector.fromArray(PS, a, offset).convertShape(VectorOperators.S2I, PI, 0);
        FloatVector mag = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return mag.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }
}
