package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K: super-blocks of 256 weights in 144 bytes: f16 d, f16 dmin, 12 bytes holding eight 6-bit scales and eight
 * 6-bit mins, then qs[128]. Sub-block s (32 weights) has weight = d*scale[s]*q - dmin*min[s], q in 0..15.
 * Each 64-weight chunk c reads qs[32c .. 32c+31]: low nibbles are sub-block 2c, high nibbles sub-block 2c+1.
 */
final class Q4_KMatrix extends Q8DotMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(Vec.LE);
    private final int blocksPerRow;

    Q4_KMatrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
        this.blocksPerRow = cols / BLOCK;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    boolean kActivations() {
        return true;
    }

    /**
     * Per sub-block j against activation block j (scale dx, quants qx): d*scale*dx * Σ q·qx, an exact integer from
     * {@link Int8Gemm#block}, minus dmin*min*dx * Σ qx, as ggml's Q4_K·Q8_K. The min terms gather in a scalar in
     * block order. The 32 quant bytes of a 64-weight chunk hold sub-block 2c in their low nibbles and 2c+1 in the
     * high ones.
     */
    @Override
    float dot(int row, Q8Activations a, int s) {
        float[] scales = new float[2 * 8 * blocksPerRow];
        subBlockScales(row, scales);
        return dot(row, scales, a, s);
    }

    /** A row's scales are decoded once for all n vectors. */
    @Override
    void tile(int r0, int r1, Q8Activations a, int n, float[] out) {
        float[] scales = new float[2 * 8 * blocksPerRow];
        for (int r = r0; r < r1; r++) {
            subBlockScales(r, scales);
            for (int s = 0; s < n; s++) out[s * rows + r] = dot(r, scales, a, s);
        }
    }

    /**
     * The scales come decoded by {@link #subBlockScales}: a call the JIT does not inline inside the vector loop
     * would box the accumulator.
     */
    private float dot(int row, float[] scales, Q8Activations a, int s) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        short[] qx = a.q;
        float[] dx = a.d;
        int[] sums = a.sums;
        int qOff = s * cols, dOff = s * a.blocks;
        FloatVector acc = FloatVector.zero(Vec.F);
        float mins = 0;
        for (int j = 0; j < 8 * blocksPerRow; j += 2) {
            long qs = off + (j >> 3) * BLOCK_BYTES + 16 + 16L * (j & 7);
            ShortVector v0 = (ShortVector) ByteVector.fromMemorySegment(Vec.B128, data, qs, Vec.LE).convertShape(VectorOperators.B2S, Int8Gemm.S, 0);
            ShortVector v1 = (ShortVector) ByteVector.fromMemorySegment(Vec.B128, data, qs + 16, Vec.LE).convertShape(VectorOperators.B2S, Int8Gemm.S, 0);
            int q = qOff + 32 * j, k = dOff + j;
            acc = Int8Gemm.block(v0.and((short) 0xF), v1.and((short) 0xF), qx, q, scales[2 * j] * dx[k], acc);
            acc = Int8Gemm.block(v0.lanewise(VectorOperators.ASHR, 4).and((short) 0xF), v1.lanewise(VectorOperators.ASHR, 4).and((short) 0xF),
                    qx, q + 32, scales[2 * j + 2] * dx[k + 1], acc);
            mins += scales[2 * j + 1] * (dx[k] * sums[k]);
            mins += scales[2 * j + 3] * (dx[k + 1] * sums[k + 1]);
        }
        float[] lanes = new float[Vec.LANES];
        acc.intoArray(lanes, 0);
        return Vec.sum(lanes, 0) - mins;
    }

    /** For each sub-block j of the row: scales[2j] = d * scale, scales[2j+1] = dmin * min. */
    private void subBlockScales(int row, float[] scales) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off), dmin = Vec.f16(data, off + 2);
            int u0 = data.get(INT_LE, off + 4), u1 = data.get(INT_LE, off + 8), u2 = data.get(INT_LE, off + 12);
            for (int j = 0; j < 8; j++) {
                scales[16 * b + 2 * j] = d * scale(u0, u2, j);
                scales[16 * b + 2 * j + 1] = dmin * min(u1, u2, j);
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off), dmin = Vec.f16(data, off + 2);
            int u0 = data.get(INT_LE, off + 4), u1 = data.get(INT_LE, off + 8), u2 = data.get(INT_LE, off + 12);
            for (int c = 0; c < 4; c++) {
                float d1 = d * scale(u0, u2, 2 * c), m1 = dmin * min(u1, u2, 2 * c);
                float d2 = d * scale(u0, u2, 2 * c + 1), m2 = dmin * min(u1, u2, 2 * c + 1);
                int y = dstOff + b * BLOCK + 64 * c;
                for (int l = 0; l < 32; l++) {
                    int q = u8(off + 16 + 32L * c + l);
                    dst[y + l] = d1 * (q & 0xF) - m1;
                    dst[y + 32 + l] = d2 * (q >> 4) - m2;
                }
            }
        }
    }

    /**
     * 6-bit scale of sub-block j (ggml's get_scale_min_k4), from the 12 scale bytes read as three little-endian ints
     * u0 (bytes 0-3), u1 (4-7), u2 (8-11). Scales 0-3 are the low 6 bits of bytes 0-3; scales 4-7 take their low 4
     * bits from bytes 8-11 and their top 2 bits from the spare top bits of bytes 0-3.
     */
    static int scale(int u0, int u2, int j) {
        return j < 4 ? (u0 >>> 8 * j) & 63 : ((u2 >>> 8 * (j - 4)) & 0xF) | (((u0 >>> 8 * (j - 4) + 6) & 3) << 4);
    }

    /** 6-bit min of sub-block j: as the scales, with bytes 4-7 (u1) and the high nibbles of bytes 8-11. */
    static int min(int u1, int u2, int j) {
        return j < 4 ? (u1 >>> 8 * j) & 63 : ((u2 >>> 8 * (j - 4) + 4) & 0xF) | (((u1 >>> 8 * (j - 4) + 6) & 3) << 4);
    }

    private int u8(long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }
}
