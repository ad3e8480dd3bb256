package dev.genstream.engine.kernels;

import jdk.incubator.vector.ShortVector;
import java.lang.foreign.MemorySegment;

/**
 * Weights in 32-value blocks of small integers with one scale each (Q8_0, Q4_0), multiplied as ggml does: the
 * activations are quantized to 8 bits per block and each block's dot product is an exact integer, scaled once.
 * On AVX2 this is cheaper than widening every weight to float, which is what bounds single-stream decode.
 */
abstract sealed class BlockQ8Matrix extends WeightMatrix permits Q8_0Matrix, Q4_0Matrix {
    static final int BLOCK = 32;
    private static final ThreadLocal<Q8Activations> ACTIVATIONS = ThreadLocal.withInitial(Q8Activations::new);
    private static final ThreadLocal<float[][]> TILE = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0]});

    final int blocks;
    final int blockBytes;

    BlockQ8Matrix(String name, MemorySegment data, int rows, int cols, int blockBytes) {
        super(name, data, rows, cols);
        if (cols % BLOCK != 0) throw new IllegalArgumentException(name + ": row length " + cols + " is not a multiple of 32");
        this.blocks = cols / BLOCK;
        this.blockBytes = blockBytes;
    }

    final long blockOffset(int row, int block) {
        return ((long) row * blocks + block) * blockBytes;
    }

    /** Block b of a row widened to shorts: weights 0..15 (half 0) or 16..31 (half 1). */
    abstract ShortVector weights(long blockOffset, int half);

    final float scale(long blockOffset) {
        return Vec.f16(data, blockOffset);
    }

    @Override
    public final float dot(int row, float[] x, int xOff) {
        Q8Activations a = ACTIVATIONS.get();
        a.quantize(x, xOff, 1, cols, false);
        return dot(row, a, 0);
    }

    /** {@link Int8Gemm}'s order with 16-bit multiplies, straight from the mapped blocks. */
    final float dot(int row, Q8Activations a, int s) {
        var acc = jdk.incubator.vector.FloatVector.zero(Vec.F);
        int qOff = s * cols, dOff = s * blocks;
        long off = blockOffset(row, 0);
        for (int b = 0; b < blocks; b++, off += blockBytes) {
            acc = Int8Gemm.block(weights(off, 0), weights(off, 1), a.q, qOff + BLOCK * b, scale(off) * a.d[dOff + b], acc);
        }
        return Vec.sum(acc);
    }

    @Override
    public final void matmul(float[] x, int n, float[] out, Parallel parallel) {
        Q8Activations a = ACTIVATIONS.get();
        a.quantize(x, 0, n, cols, n > 1);
        int tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        parallel.forRange(tiles, (from, to) -> {
            for (int t = from; t < to; t++) tile(t * TILE_ROWS, Math.min(rows, (t + 1) * TILE_ROWS), a, n, out);
        });
    }

    /**
     * One vector reads the blocks directly. Several widen the tile's rows once; then, a range of blocks at a time,
     * four vectors share each weight load while their activations stay in L1 across the tile's rows.
     */
    private void tile(int r0, int r1, Q8Activations a, int n, float[] out) {
        if (n == 1) {
            for (int r = r0; r < r1; r++) out[r] = dot(r, a, 0);
            return;
        }
        float[][] buf = TILE.get();
        if (buf[0].length < TILE_ROWS * cols) TILE.set(buf = new float[][] {new float[TILE_ROWS * cols], new float[TILE_ROWS * blocks], new float[TILE_ROWS * SEQ_BLOCK * Vec.LANES]});
        float[] w = buf[0], ws = buf[1], acc = buf[2];
        int tileRows = r1 - r0;
        for (int r = r0; r < r1; r++) widenRow(r, w, (r - r0) * cols, ws, (r - r0) * blocks);
        for (int sb = 0; sb < n; sb += SEQ_BLOCK) {
            int se = Math.min(n, sb + SEQ_BLOCK);
            java.util.Arrays.fill(acc, 0f);
            for (int b0 = 0; b0 < blocks; b0 += BLOCK_RANGE) {
                int b1 = Math.min(blocks, b0 + BLOCK_RANGE), s = sb;
                for (; s + 3 < se; s += 4) {
                    for (int i = 0; i < tileRows; i++) Int8Gemm.dot4(w, i * cols, ws, i * blocks, a, s, b0, b1, acc, accOffset(i, s - sb));
                }
                for (; s < se; s++) {
                    for (int i = 0; i < tileRows; i++) Int8Gemm.dot(w, i * cols, ws, i * blocks, a, s, b0, b1, acc, accOffset(i, s - sb));
                }
            }
            for (int s = sb; s < se; s++) {
                for (int i = 0; i < tileRows; i++) out[s * rows + r0 + i] = Vec.sum(jdk.incubator.vector.FloatVector.fromArray(Vec.F, acc, accOffset(i, s - sb)));
            }
        }
    }

    /** Blocks per pass: four vectors' activations for 16 blocks are 8 KiB, and stay in L1. */
    private static final int BLOCK_RANGE = 16;

    private static int accOffset(int row, int seq) {
        return (row * SEQ_BLOCK + seq) * Vec.LANES;
    }

    /** A row's weights as pair-order floats and its block scales. */
    private void widenRow(int row, float[] dst, int dstOff, float[] scales, int scOff) {
        long off = blockOffset(row, 0);
        for (int b = 0; b < blocks; b++, off += blockBytes) {
            scales[scOff + b] = scale(off);
            Int8Gemm.pairFloats(weights(off, 0), dst, dstOff + BLOCK * b);
            Int8Gemm.pairFloats(weights(off, 1), dst, dstOff + BLOCK * b + 16);
        }
    }
}
