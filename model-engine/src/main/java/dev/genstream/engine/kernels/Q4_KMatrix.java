package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K: super-blocks of 256 weights in 144 bytes: f16 d, f16 dmin, 12 bytes holding eight 6-bit scales and eight
 * 6-bit mins, then qs[128]. Sub-block s (32 weights) has weight = d*scale[s]*q - dmin*min[s], q in 0..15.
 * Each 64-weight chunk c reads qs[32c .. 32c+31]: low nibbles are sub-block 2c, high nibbles sub-block 2c+1.
 */
final class Q4_KMatrix extends WeightMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
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
     * Per sub-block: d*scale * Σ q·x  -  dmin*min * Σ x, both folded into one accumulator in a fixed order,
     * so the min term costs one add per 8 weights instead of a dequantized weight vector.
     */
    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off), dmin = Vec.f16(data, off + 2);
            for (int c = 0; c < 4; c++) {
                ByteVector q = ByteVector.fromMemorySegment(B256, data, off + 16 + 32L * c, Vec.LE);
                int xBase = xOff + b * BLOCK + 64 * c;
                acc = subBlock(q.and((byte) 0xF), x, xBase, d * scale(off, 2 * c), -dmin * min(off, 2 * c), acc);
                acc = subBlock(q.lanewise(VectorOperators.LSHR, 4), x, xBase + 32, d * scale(off, 2 * c + 1), -dmin * min(off, 2 * c + 1), acc);
            }
        }
        return Vec.sum(acc);
    }

    private static FloatVector subBlock(ByteVector q, float[] x, int xo, float scale, float negMin, FloatVector acc) {
        FloatVector x0 = FloatVector.fromArray(Vec.F, x, xo), x1 = FloatVector.fromArray(Vec.F, x, xo + 8);
        FloatVector x2 = FloatVector.fromArray(Vec.F, x, xo + 16), x3 = FloatVector.fromArray(Vec.F, x, xo + 24);
        FloatVector s = ((FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, 0)).mul(x0);
        s = ((FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, 1)).fma(x1, s);
        s = ((FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, 2)).fma(x2, s);
        s = ((FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, 3)).fma(x3, s);
        FloatVector sx = x0.add(x1).add(x2.add(x3));
        acc = s.fma(FloatVector.broadcast(Vec.F, scale), acc);
        return sx.fma(FloatVector.broadcast(Vec.F, negMin), acc);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off), dmin = Vec.f16(data, off + 2);
            for (int c = 0; c < 4; c++) {
                float d1 = d * scale(off, 2 * c), m1 = dmin * min(off, 2 * c);
                float d2 = d * scale(off, 2 * c + 1), m2 = dmin * min(off, 2 * c + 1);
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
     * 6-bit scale of sub-block j (ggml's get_scale_min_k4): bytes 0-3 hold scales 0-3 in their low 6 bits; scales
     * 4-7 take their low 4 bits from bytes 8-11 and their top 2 bits from the spare top bits of bytes 0-3.
     */
    private int scale(long block, int j) {
        long sc = block + 4;
        return j < 4 ? u8(sc + j) & 63 : (u8(sc + j + 4) & 0xF) | ((u8(sc + j - 4) >> 6) << 4);
    }

    /** 6-bit min of sub-block j: as the scales, with bytes 4-7 and the high nibbles of bytes 8-11. */
    private int min(long block, int j) {
        long sc = block + 4;
        return j < 4 ? u8(sc + j + 4) & 63 : (u8(sc + j + 4) >> 4) | ((u8(sc + j) >> 6) << 4);
    }

    private int u8(long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }
}
