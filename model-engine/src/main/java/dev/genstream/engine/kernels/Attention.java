package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One head's attention scores over a KV cache: q·k for many positions at once.
 *
 * <p>Keys are stored in tiles of {@link #TILE} consecutive slots, each tile dimension-major: element i of slot s
 * is at {@code t * kvDim + i * w + (s - t)}, where t is the tile's first slot and w its width (TILE, or fewer in
 * a storage's last tile). A vector load then holds one dimension of several positions, and each position's score
 * is a lane: no horizontal reduction per position. Lane by lane the arithmetic is {@link Ops#dot}'s (dimension d
 * into partial sum d mod 8, the same fixed tree, the same tail), so every score has the bits it had before.
 * (Values stay position-major and are summed by {@link Ops#axpy} per position: a register-blocked sum over
 * positions measured slower in AttentionBenchmark.)
 */
public final class Attention {
    /** Slots per key tile: whole vectors at 256 and at 512 bits. */
    public static final int TILE = 16;

    /** Positions scored per vector: as wide as the machine allows, as each lane is a separate score. */
    private static final VectorSpecies<Float> P = Vec.FW;
    private static final int LANES = P.length();
    private static final VectorSpecies<Short> PS = LANES == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> PI = LANES == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;

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
        // this thread's scratch: a widened f16 tile, then one vector of scores for a tile's partly wanted half
        float[] buf = scratch(hd * TILE + LANES);
        int lanes = hd * TILE;
        for (int t = first - first % TILE; t < end; t += TILE) {
            int w = Math.min(TILE, slots - t);
            int base = t * kvDim + kvOff * w;
            if (w < TILE) {
                for (int s = Math.max(t, first); s < end; s++) {
                    out[outOff + s - first] = scale * scalarDot(q, qOff, keys, keys16, base + s - t, w, hd);
                }
                continue;
            }
            float[] k = keys;
            if (keys16 != null) {
                // The head's part of a tile is contiguous; widening it first keeps the dot loop free of calls.
                widen(keys16, base, buf, 0, hd * TILE);
                k = buf;
                base = 0;
            }
            for (int h = 0; h < TILE; h += LANES) {
                int lo = t + h;
                if (lo + LANES <= first || lo >= end) continue;
                if (lo >= first && lo + LANES <= end) {
                    tileDot(q, qOff, k, base + h, hd, scale, out, outOff + lo - first);
                } else {
                    tileDot(q, qOff, k, base + h, hd, scale, buf, lanes);
                    for (int m = Math.max(0, first - lo); m < LANES && lo + m < end; m++) out[outOff + lo + m - first] = buf[lanes + m];
                }
            }
        }
    }

    /** Scores of LANES consecutive slots of a full tile whose head starts at off, stored at dst[dstOff ..]. */
    private static void tileDot(float[] q, int qOff, float[] keys, int off, int hd, float scale, float[] dst, int dstOff) {
        FloatVector a0 = FloatVector.zero(P), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int d = 0;
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
        // Vec.sum's tree, lane by lane; then the tail as Ops.dot adds it: each product rounded, then added.
        FloatVector s = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)));
        for (; d < hd; d++) s = s.add(FloatVector.fromArray(P, keys, off + d * TILE).mul(q[qOff + d]));
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

    /** dst[dstOff ..] = n f16 values from src[srcOff ..] widened, exactly; one small loop, so nothing fails to inline. */
    private static void widen(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            // sign-extended, shifted into float position with the sign bit kept: the value times 2^-112, exactly
            IntVector x = (IntVector) ShortVector.fromArray(PS, src, srcOff + i).convertShape(VectorOperators.S2I, PI, 0);
            x.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[64 * TILE]);

    /** This thread's scratch of at least n floats. */
    private static float[] scratch(int n) {
        float[] a = SCRATCH.get();
        if (a.length < n) SCRATCH.set(a = new float[n]);
        return a;
    }
}
