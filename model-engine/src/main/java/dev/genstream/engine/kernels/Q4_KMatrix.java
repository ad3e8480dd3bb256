package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K: super-blocks of 256 weights in 144 bytes: f16 d, f16 dmin, 12 bytes holding eight 6-bit scales and eight
 * 6-bit mins, then qs[128]. Sub-block s (32 weights) has weight = d*scale[s]*q - dmin*min[s], q in 0..15.
 * Each 64-weight chunk c reads qs[32c .. 32c+31]: low nibbles are sub-block 2c, high nibbles sub-block 2c+1.
 */
final class Q4_KMatrix extends WeightMatrix {
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

    /**
     * Per sub-block: d*scale * Σ q·x  -  dmin*min * Σ x, both folded into one accumulator in a fixed order, so the
     * min term costs one add per 8 weights instead of a dequantized weight vector. Quants are read 8 bytes at a
     * time: the low nibbles are 8 weights of sub-block 2c, the high nibbles the same 8 positions of 2c+1.
     */
    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off), dmin = Vec.f16(data, off + 2);
            int u0 = data.get(INT_LE, off + 4), u1 = data.get(INT_LE, off + 8), u2 = data.get(INT_LE, off + 12);
            for (int c = 0; c < 4; c++) {
                long qs = off + 16 + 32L * c;
                int xo = xOff + b * BLOCK + 64 * c;
                FloatVector sLo = FloatVector.zero(Vec.F), sHi = sLo, xLo = sLo, xHi = sLo;
                for (int g = 0; g < 32; g += 8) {
                    ByteVector q = ByteVector.fromMemorySegment(Vec.B64, data, qs + g, Vec.LE);
                    FloatVector x0 = FloatVector.fromArray(Vec.F, x, xo + g), x1 = FloatVector.fromArray(Vec.F, x, xo + 32 + g);
                    sLo = ((FloatVector) q.and((byte) 0xF).convertShape(VectorOperators.B2F, Vec.F, 0)).fma(x0, sLo);
                    sHi = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, Vec.F, 0)).fma(x1, sHi);
                    xLo = xLo.add(x0);
                    xHi = xHi.add(x1);
                }
                acc = sLo.fma(FloatVector.broadcast(Vec.F, d * scale(u0, u2, 2 * c)), acc);
                acc = xLo.fma(FloatVector.broadcast(Vec.F, -dmin * min(u1, u2, 2 * c)), acc);
                acc = sHi.fma(FloatVector.broadcast(Vec.F, d * scale(u0, u2, 2 * c + 1)), acc);
                acc = xHi.fma(FloatVector.broadcast(Vec.F, -dmin * min(u1, u2, 2 * c + 1)), acc);
            }
        }
        float[] lanes = new float[Vec.LANES];
        acc.intoArray(lanes, 0);
        return Vec.sum(lanes, 0);
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
