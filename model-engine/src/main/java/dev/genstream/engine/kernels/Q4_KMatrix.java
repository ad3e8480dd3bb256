package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
        super(name, data, rows, cols, GgmlType.Q4_K);
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

    @Override
    float dot(int row, Q8Activations a, int s) {
        Scales scales = Scales.of(blocksPerRow);
        byte[] q = rowBuffer(cols);
        decodeScales(row, scales);
        unpack(row, q);
        return dot(q, scales, a, s);
    }

    /**
     * A row's scales are decoded and its nibbles unpacked to bytes once for all n vectors. Even one vector gains:
     * widening unpacked bytes from L1 measured faster than masking and shifting the nibbles in the dot itself.
     */
    @Override
    void tile(int r0, int r1, Q8Activations a, int n, float[] out) {
        Scales scales = Scales.of(blocksPerRow);
        byte[] q = rowBuffer(cols);
        for (int r = r0; r < r1; r++) {
            decodeScales(r, scales);
            unpack(r, q);
            for (int s = 0; s < n; s++) out[s * rows + r] = dot(q, scales, a, s);
        }
    }

    /**
     * A row's 4-bit quants as bytes, in weight order: the 32 bytes of 64-weight chunk c hold sub-block 2c in their
     * low nibbles and 2c+1 in the high ones.
     */
    private void unpack(int row, byte[] q) {
        long off = rowOffset(row) + 16;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            for (int c = 0; c < 4; c++) {
                ByteVector v = ByteVector.fromMemorySegment(ByteVector.SPECIES_256, data, off + 32L * c, Vec.LE);
                v.and((byte) 0xF).intoArray(q, BLOCK * b + 64 * c);
                Vec.shiftWords(v, VectorOperators.LSHR, 4).and((byte) 0xF).intoArray(q, BLOCK * b + 64 * c + 32);
            }
        }
    }

    /**
     * As ggml's Q4_K·Q8_K: per super-block, Σ_j scale_j * (Σ q·qx over sub-block j) is an exact integer in
     * {@link Int8Gemm#pairs}' eight lanes, scaled once by d*dx; the min term Σ_j min_j * Σ qx is exact too, scaled by
     * dmin*dx. Both gather per lane in super-block order. The scales come decoded by {@link #decodeScales}: a call
     * the JIT does not inline inside the vector loop would box the accumulator.
     */
    private float dot(byte[] w, Scales scales, Q8Activations a, int s) {
        short[] qx = a.q;
        float[] dx = a.d, d = scales.d;
        int[] six = scales.six, sums = a.sums;
        int qOff = s * cols, dOff = s * a.blocks;
        FloatVector acc = FloatVector.zero(Vec.F), mins = acc;
        for (int b = 0; b < blocksPerRow; b++) {
            IntVector sum = IntVector.zero(Vec.I);
            for (int j = 0; j < 8; j++) {
                int o = BLOCK * b + 32 * j;
                sum = sum.add(Int8Gemm.pairs(Int8Gemm.bytes(w, o), Int8Gemm.bytes(w, o + 16), qx, qOff + o, true).mul(six[16 * b + j]));
            }
            float dy = dx[dOff + 8 * b];
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, d[2 * b] * dy), acc);
            IntVector m = IntVector.fromArray(Vec.I, six, 16 * b + 8).mul(IntVector.fromArray(Vec.I, sums, dOff + 8 * b));
            mins = ((FloatVector) m.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Vec.F, d[2 * b + 1] * dy), mins);
        }
        float[] lanes = new float[2 * Vec.LANES];
        acc.intoArray(lanes, 0);
        mins.intoArray(lanes, Vec.LANES);
        return Vec.sum(lanes, 0) - Vec.sum(lanes, Vec.LANES);
    }

    /** A row's decoded 6-bit scales and mins (eight each per super-block) and its f16 d and dmin. */
    private record Scales(int[] six, float[] d) {
        private static final ThreadLocal<Scales> MINE = ThreadLocal.withInitial(() -> new Scales(new int[0], new float[0]));

        /** This thread's, large enough for a row of superBlocks. */
        static Scales of(int superBlocks) {
            Scales s = MINE.get();
            if (s.d.length < 2 * superBlocks) MINE.set(s = new Scales(new int[16 * superBlocks], new float[2 * superBlocks]));
            return s;
        }
    }

    /**
     * Scale and min selectors per sub-block j (ggml's get_scale_min_k4, see {@link #scale}): the 6-bit value is
     * ((u >>> HI_SHIFT) & HI_MASK) << HI_POS | ((u2 >>> LO_SHIFT) & LO_MASK), u being u0 for scales and u1 for mins,
     * and mins reading u2's high nibbles (MIN_LO_SHIFT = LO_SHIFT + 4).
     */
    private static final IntVector HI_SHIFT = IntVector.fromArray(Vec.I, new int[] {0, 8, 16, 24, 6, 14, 22, 30}, 0);
    private static final IntVector HI_MASK = IntVector.fromArray(Vec.I, new int[] {63, 63, 63, 63, 3, 3, 3, 3}, 0);
    private static final IntVector HI_POS = IntVector.fromArray(Vec.I, new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    private static final IntVector LO_SHIFT = IntVector.fromArray(Vec.I, new int[] {0, 0, 0, 0, 0, 8, 16, 24}, 0);
    private static final IntVector MIN_LO_SHIFT = LO_SHIFT.add(4);
    private static final IntVector LO_MASK = IntVector.fromArray(Vec.I, new int[] {0, 0, 0, 0, 15, 15, 15, 15}, 0);

    /** For super-block b of the row: six[16b + j] = scale_j, six[16b + 8 + j] = min_j, d[2b] = d, d[2b + 1] = dmin. */
    private void decodeScales(int row, Scales scales) {
        long off = rowOffset(row);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            IntVector u0 = IntVector.broadcast(Vec.I, data.get(INT_LE, off + 4)), u1 = IntVector.broadcast(Vec.I, data.get(INT_LE, off + 8));
            IntVector u2 = IntVector.broadcast(Vec.I, data.get(INT_LE, off + 12));
            six(u0, u2, LO_SHIFT).intoArray(scales.six, 16 * b);
            six(u1, u2, MIN_LO_SHIFT).intoArray(scales.six, 16 * b + 8);
            scales.d[2 * b] = Vec.f16(data, off);
            scales.d[2 * b + 1] = Vec.f16(data, off + 2);
        }
    }

    private static IntVector six(IntVector hi, IntVector lo, IntVector loShift) {
        return hi.lanewise(VectorOperators.LSHR, HI_SHIFT).and(HI_MASK).lanewise(VectorOperators.LSHL, HI_POS)
                .or(lo.lanewise(VectorOperators.LSHR, loShift).and(LO_MASK));
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = rowOffset(row);
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
