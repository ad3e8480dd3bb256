package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K: super-blocks of 256 weights in 210 bytes: ql[128] (low 4 bits), qh[64] (high 2 bits), 16 int8 scales
 * (one per 16 weights), then an f16 super-scale d. Weight = d * scale * (q - 32) with q in 0..63.
 * Each 128-weight half reads ql[0..63], qh[0..31]; byte l of those yields weights l, l+32, l+64, l+96.
 */
final class Q6_KMatrix extends Q8DotMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private final int blocksPerRow;

    Q6_KMatrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols, GgmlType.Q6_K);
        this.blocksPerRow = cols / BLOCK;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    boolean kActivations() {
        return true;
    }

    @Override
    float dot(int row, Q8Activations a, int s) {
        byte[] q = rowBuffer(cols);
        decode(row, q);
        return dot(row, q, a, s);
    }

    /** A row's 6-bit quants are unpacked once for all n vectors. */
    @Override
    void tile(int r0, int r1, Q8Activations a, int n, float[] out) {
        byte[] q = rowBuffer(cols);
        for (int r = r0; r < r1; r++) {
            decode(r, q);
            for (int s = 0; s < n; s++) out[s * rows + r] = dot(r, q, a, s);
        }
    }

    /**
     * As ggml's Q6_K·Q8_K: each 16-weight group's products, pair-summed into eight int lanes, times the group's
     * int8 scale, summed exactly over the super-block; then one multiply-add by d*dx per super-block.
     */
    private float dot(int row, byte[] q, Q8Activations a, int s) {
        long off = rowOffset(row);
        short[] qx = a.q;
        float[] dx = a.d;
        int qOff = s * cols, dOff = s * a.blocks;
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            IntVector sum = IntVector.zero(Vec.I);
            for (int g = 0; g < 16; g++) {
                int o = BLOCK * b + 16 * g;
                ShortVector w = Int8Gemm.bytes(q, o);
                IntVector p = w.mul(ShortVector.fromArray(Int8Gemm.S, qx, qOff + o)).reinterpretAsInts();
                // Two products of at most 32 * 127 in magnitude add within a short.
                sum = sum.add(Int8Gemm.sumHalves(p).mul(data.get(ValueLayout.JAVA_BYTE, off + 192 + g)));
            }
            float scale = Vec.f16(data, off + 208) * dx[dOff + 8 * b];
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, scale), acc);
        }
        float[] lanes = new float[Vec.LANES];
        acc.intoArray(lanes, 0);
        return Vec.sum(lanes, 0);
    }

    /** A row's quants minus 32, in weight order; each mask after a {@link Vec#shiftWords} keeps one byte's bits. */
    private void decode(int row, byte[] q) {
        long off = rowOffset(row);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            for (int half = 0; half < 2; half++) {
                long ql = off + 64L * half, qh = off + 128 + 32L * half;
                int o = BLOCK * b + 128 * half;
                ByteVector lo0 = ByteVector.fromMemorySegment(B256, data, ql, Vec.LE);
                ByteVector lo1 = ByteVector.fromMemorySegment(B256, data, ql + 32, Vec.LE);
                ByteVector hi = ByteVector.fromMemorySegment(B256, data, qh, Vec.LE);
                lo0.and((byte) 0xF).or(Vec.shiftWords(hi, VectorOperators.LSHL, 4).and((byte) 0x30)).sub((byte) 32).intoArray(q, o);
                lo1.and((byte) 0xF).or(Vec.shiftWords(hi, VectorOperators.LSHL, 2).and((byte) 0x30)).sub((byte) 32).intoArray(q, o + 32);
                Vec.shiftWords(lo0, VectorOperators.LSHR, 4).and((byte) 0xF).or(hi.and((byte) 0x30)).sub((byte) 32).intoArray(q, o + 64);
                Vec.shiftWords(lo1, VectorOperators.LSHR, 4).and((byte) 0xF).or(Vec.shiftWords(hi, VectorOperators.LSHR, 2).and((byte) 0x30)).sub((byte) 32).intoArray(q, o + 96);
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = rowOffset(row);
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
