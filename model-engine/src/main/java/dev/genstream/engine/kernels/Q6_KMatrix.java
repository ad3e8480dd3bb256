package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K: super-blocks of 256 weights in 210 bytes: ql[128] (low 4 bits), qh[64] (high 2 bits), 16 int8 scales
 * (one per 16 weights), then an f16 super-scale d. Weight = d * scale * (q - 32) with q in 0..63.
 * Each 128-weight half reads ql[0..63], qh[0..31]; byte l of those yields weights l, l+32, l+64, l+96.
 */
final class Q6_KMatrix extends WeightMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private final int blocksPerRow;

    Q6_KMatrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
        this.blocksPerRow = cols / BLOCK;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(Vec.F);
        byte[] q = new byte[128];
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off + 208);
            for (int half = 0; half < 2; half++) {
                long ql = off + 64L * half, qh = off + 128 + 32L * half, sc = off + 192 + 8L * half;
                int xBase = xOff + b * BLOCK + 128 * half;
                ByteVector lo0 = ByteVector.fromMemorySegment(B256, data, ql, Vec.LE);
                ByteVector lo1 = ByteVector.fromMemorySegment(B256, data, ql + 32, Vec.LE);
                ByteVector hi = ByteVector.fromMemorySegment(B256, data, qh, Vec.LE);
                // The quants go through a byte array: an array of vectors, or a vector kept across the inner loops,
                // would be boxed.
                lo0.and((byte) 0xF).or(hi.and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32).intoArray(q, 0);
                lo1.and((byte) 0xF).or(hi.lanewise(VectorOperators.LSHR, 2).and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32).intoArray(q, 32);
                lo0.lanewise(VectorOperators.LSHR, 4).or(hi.lanewise(VectorOperators.LSHR, 4).and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32).intoArray(q, 64);
                lo1.lanewise(VectorOperators.LSHR, 4).or(hi.lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32).intoArray(q, 96);
                for (int k = 0; k < 8; k++) { // eight groups of 16 weights, each with its own scale
                    int xo = xBase + 16 * k;
                    FloatVector s = Vec.i8x8(q, 16 * k).mul(FloatVector.fromArray(Vec.F, x, xo));
                    s = Vec.i8x8(q, 16 * k + 8).fma(FloatVector.fromArray(Vec.F, x, xo + 8), s);
                    float scale = d * data.get(ValueLayout.JAVA_BYTE, sc + k);
                    acc = s.fma(FloatVector.broadcast(Vec.F, scale), acc);
                }
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
            float d = Vec.f16(data, off + 208);
            for (int half = 0; half < 2; half++) {
                long ql = off + 64L * half, qh = off + 128 + 32L * half, sc = off + 192 + 8L * half;
                int y = dstOff + b * BLOCK + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int lo0 = u8(ql + l), lo1 = u8(ql + l + 32), h = u8(qh + l);
                    int g = l / 16;
                    dst[y + l] = d * data.get(ValueLayout.JAVA_BYTE, sc + g) * (((lo0 & 0xF) | ((h & 3) << 4)) - 32);
                    dst[y + l + 32] = d * data.get(ValueLayout.JAVA_BYTE, sc + 2 + g) * (((lo1 & 0xF) | (((h >> 2) & 3) << 4)) - 32);
                    dst[y + l + 64] = d * data.get(ValueLayout.JAVA_BYTE, sc + 4 + g) * (((lo0 >> 4) | (((h >> 4) & 3) << 4)) - 32);
                    dst[y + l + 96] = d * data.get(ValueLayout.JAVA_BYTE, sc + 6 + g) * (((lo1 >> 4) | (((h >> 6) & 3) << 4)) - 32);
                }
            }
        }
    }

    private int u8(long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }
}
