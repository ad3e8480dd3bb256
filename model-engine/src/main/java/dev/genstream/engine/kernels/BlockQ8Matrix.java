package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import java.lang.foreign.MemorySegment;

/**
 * Weights in 32-value blocks of small integers with one scale each (Q8_0, Q4_0), multiplied as ggml does: the
 * activations are quantized to 8 bits per block and each block's dot product is an exact integer, scaled once.
 * On AVX2 this is cheaper than widening every weight to float, which is what bounds single-stream decode.
 */
abstract sealed class BlockQ8Matrix extends Q8DotMatrix permits Q8_0Matrix, Q4_0Matrix {
    static final int BLOCK = Q8Activations.BLOCK;

    final int blocks;
    final int blockBytes;
    /** 4-bit weights: see {@link Int8Gemm#pairs}. */
    private final boolean narrow;
    /** Q8_0 at 512 bits: a block's 32 bytes (after its 2-byte scale) widened in one load, see {@link Int8Gemm#products512}. */
    private final boolean wideBytes;

    BlockQ8Matrix(String name, MemorySegment data, int rows, int cols, GgmlType type, boolean narrow) {
        super(name, data, rows, cols, type);
        this.blocks = cols / BLOCK;
        this.blockBytes = (int) type.bytesFor(BLOCK);
        this.narrow = narrow;
        this.wideBytes = Vec.WIDE && type == GgmlType.Q8_0;
    }

    /** Block b of a row widened to shorts: weights 0..15 (half 0) or 16..31 (half 1). */
    abstract ShortVector weights(long blockOffset, int half);

    final float scale(long blockOffset) {
        return Vec.f16(data, blockOffset);
    }

    /** {@link Int8Gemm}'s order with 16-bit multiplies, straight from the mapped blocks. */
    @Override
    final float dot(int row, Q8Activations a, int s) {
        FloatVector acc = FloatVector.zero(Vec.F);
        int qOff = s * cols, dOff = s * blocks;
        long off = rowOffset(row);
        if (wideBytes) {
            for (int b = 0; b < blocks; b++, off += blockBytes) {
                acc = Int8Gemm.block512(Int8Gemm.bytes512(data, off + 2), a.q, qOff + BLOCK * b, false, scale(off) * a.d[dOff + b], acc);
            }
        } else for (int b = 0; b < blocks; b++, off += blockBytes) {
            acc = Int8Gemm.block(weights(off, 0), weights(off, 1), a.q, qOff + BLOCK * b, narrow, scale(off) * a.d[dOff + b], acc);
        }
        float[] lanes = new float[Vec.LANES];
        acc.intoArray(lanes, 0);
        return Vec.sum(lanes, 0);
    }

    /**
     * Rows [r0, r1) for all n vectors. From four vectors on, the tile's rows are widened to shorts once (they stay
     * in L2) and each weight load then serves four vectors, whose quantized activations stay in L1.
     */
    @Override
    void tile(int r0, int r1, Q8Activations a, int n, float[] out) {
        int s = 0;
        if (n >= 4) {
            Tile t = TILE.get().fit(TILE_ROWS * cols, TILE_ROWS * blocks);
            for (int r = r0; r < r1; r++) widen(r, t.w, (r - r0) * cols, t.scales, (r - r0) * blocks);
            for (; s + 3 < n; s += 4) {
                for (int r = r0; r < r1; r++) Int8Gemm.dot4(t.w, (r - r0) * cols, t.scales, (r - r0) * blocks, narrow, a, s, out, s * rows + r, rows);
            }
        }
        for (; s < n; s++) {
            for (int r = r0; r < r1; r++) out[s * rows + r] = dot(r, a, s);
        }
    }

    private void widen(int row, short[] w, int wOff, float[] scales, int scOff) {
        long off = rowOffset(row);
        for (int b = 0; b < blocks; b++, off += blockBytes) {
            weights(off, 0).intoArray(w, wOff + BLOCK * b);
            weights(off, 1).intoArray(w, wOff + BLOCK * b + 16);
            scales[scOff + b] = scale(off);
        }
    }

    private static final ThreadLocal<Tile> TILE = ThreadLocal.withInitial(Tile::new);

    /** A worker's widened tile: rows of weights as shorts and their block scales. */
    private static final class Tile {
        short[] w = new short[0];
        float[] scales = new float[0];

        Tile fit(int weights, int blocks) {
            if (w.length < weights) w = new short[weights];
            if (scales.length < blocks) scales = new float[blocks];
            return this;
        }
    }
}
