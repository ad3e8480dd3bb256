package dev.genstream.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kernel against a scalar dequantization written here from the ggml block layouts, on random blocks:
 * readRow must equal it exactly and dot must match the scalar dot product.
 */
class WeightMatrixTest {
    static final int ROWS = 7;
    static final int COLS = 512;

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void rowsAndDotsMatchTheScalarReference(GgmlType type) {
        Random rnd = new Random(type.ordinal());
        byte[] bytes = randomBlocks(type, rnd);
        WeightMatrix m = WeightMatrix.of(new GgufTensor("w", type, new long[] {COLS, ROWS}, MemorySegment.ofArray(bytes)));
        float[] x = new float[COLS * 2];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] row = new float[COLS];
        for (int r = 0; r < ROWS; r++) {
            float[] ref = dequantize(type, bytes, r);
            m.readRow(r, row, 0);
            assertThat(row).as("row %d", r).containsExactly(ref);
            // The integer types multiply 8-bit activations, as ggml does: the reference quantizes x the same way.
            float[] xs = switch (type) {
                case Q8_0, Q4_0 -> quantizedActivations(x, COLS, COLS);
                case Q4_K, Q6_K -> kQuantizedActivations(x, COLS, COLS);
                default -> java.util.Arrays.copyOfRange(x, COLS, 2 * COLS);
            };
            double expect = 0, scale = 0;
            for (int i = 0; i < COLS; i++) {
                expect += (double) ref[i] * xs[i];
                scale += Math.abs((double) ref[i] * xs[i]);
            }
            assertThat((double) m.dot(r, x, COLS)).as("dot row %d", r).isCloseTo(expect, org.assertj.core.data.Offset.offset(1e-5 * scale + 1e-6));
        }
    }

    /** Batch size and thread count change neither a bit of any output: threads split rows, never a reduction. */
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void matmulIsBatchAndThreadInvariant(GgmlType type) {
        Random rnd = new Random(7);
        WeightMatrix m = WeightMatrix.of(new GgufTensor("w", type, new long[] {COLS, ROWS}, MemorySegment.ofArray(randomBlocks(type, rnd))));
        int n = 5;
        float[] x = new float[COLS * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] batched1 = new float[ROWS * n], batched2 = new float[ROWS * n];
        try (Parallel one = new Parallel(1); Parallel two = new Parallel(2)) {
            m.matmul(x, n, batched1, one);
            m.matmul(x, n, batched2, two);
            assertThat(batched2).containsExactly(batched1);
            for (int s = 0; s < n; s++) {
                float[] alone = new float[ROWS];
                float[] xs = java.util.Arrays.copyOfRange(x, s * COLS, (s + 1) * COLS);
                m.matmul(xs, 1, alone, two);
                for (int r = 0; r < ROWS; r++) assertThat(alone[r]).isEqualTo(batched1[s * ROWS + r]);
            }
        }
    }

    /**
     * Every batch size 1..9 (so the four-sequence kernel, its remainders and the single-sequence path all run), a row
     * count spanning several tiles and ending in a partial one, and 1, 2 or 3 threads: every output equals dot alone.
     */
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void everyBatchSizeAndThreadCountEqualsDotAlone(GgmlType type) {
        int rows = 3 * WeightMatrix.TILE_ROWS + 5;
        int[] colCounts = type.blockSize == 1 ? new int[] {COLS, 520, 100, 7} : new int[] {COLS};
        for (int cols : colCounts) {
            Random rnd = new Random(cols);
            WeightMatrix m = WeightMatrix.of(new GgufTensor("w", type, new long[] {cols, rows}, MemorySegment.ofArray(randomBlocks(type, rnd, rows, cols))));
            float[] x = new float[cols * 9];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            try (Parallel one = new Parallel(1); Parallel two = new Parallel(2); Parallel three = new Parallel(3)) {
                for (int n = 1; n <= 9; n++) {
                    for (Parallel p : new Parallel[] {one, two, three}) {
                        float[] out = new float[rows * n];
                        m.matmul(x, n, out, p);
                        for (int s = 0; s < n; s++) {
                            for (int r = 0; r < rows; r++) {
                                assertThat(out[s * rows + r]).as("%s cols %d n %d threads %d seq %d row %d", type, cols, n, p.threads(), s, r)
                                        .isEqualTo(m.dot(r, x, s * cols));
                            }
                        }
                    }
                }
            }
        }
    }

    /** ggml's quantize_row_q8_K, written plainly: per 256 values d = max / -127 (max of largest magnitude), round half even. */
    static float[] kQuantizedActivations(float[] x, int off, int n) {
        float[] out = new float[n];
        for (int b = 0; b < n; b += 256) {
            float max = 0;
            for (int i = 0; i < 256; i++) if (Math.abs(x[off + b + i]) > Math.abs(max)) max = x[off + b + i];
            float iscale = -127f / max, d = 1 / iscale;
            for (int i = 0; i < 256; i++) {
                int q = Math.min(127, (int) Math.rint(iscale * x[off + b + i]));
                assertThat(Math.abs(q)).isLessThanOrEqualTo(127);
                out[b + i] = q * d;
            }
        }
        return out;
    }

    /** ggml's Q8_0 activation rule, written out scalar: d = amax/127, q = x/d rounded half away from zero; returns q*d. */
    static float[] quantizedActivations(float[] x, int off, int n) {
        float[] out = new float[n];
        for (int b = 0; b < n; b += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[off + b + i]));
            float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
            for (int i = 0; i < 32; i++) {
                float r = x[off + b + i] * id;
                int q = (int) (r + Math.copySign(0.5f, r));
                assertThat(Math.abs(q)).isLessThanOrEqualTo(127);
                out[b + i] = q * d;
            }
        }
        return out;
    }

    static byte[] randomBlocks(GgmlType type, Random rnd) {
        return randomBlocks(type, rnd, ROWS, COLS);
    }

    static byte[] randomBlocks(GgmlType type, Random rnd, int rows, int cols) {
        byte[] b = new byte[(int) type.bytesFor((long) rows * cols)];
        rnd.nextBytes(b);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> { for (int i = 0; i < b.length; i += 4) bb.putFloat(i, (float) rnd.nextGaussian()); }
            case F16 -> { for (int i = 0; i < b.length; i += 2) bb.putShort(i, Float.floatToFloat16((float) rnd.nextGaussian())); }
            case BF16 -> { for (int i = 0; i < b.length; i += 2) bb.putShort(i, (short) (Float.floatToIntBits((float) rnd.nextGaussian()) >>> 16)); }
            case Q8_0, Q4_0 -> { for (int i = 0; i < b.length; i += type.blockBytes) bb.putShort(i, Float.floatToFloat16(0.01f + rnd.nextFloat() * 0.1f)); }
            case Q6_K -> { for (int i = 0; i < b.length; i += type.blockBytes) bb.putShort(i + 208, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.01f)); }
            case Q4_K -> {
                for (int i = 0; i < b.length; i += type.blockBytes) {
                    bb.putShort(i, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.01f));
                    bb.putShort(i + 2, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.01f));
                }
            }
            default -> throw new IllegalArgumentException(type.name());
        }
        return b;
    }

    /** Scalar dequantization of row r, straight from the block layouts. */
    static float[] dequantize(GgmlType type, byte[] b, int r) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        float[] y = new float[COLS];
        long rowBytes = type.bytesFor(COLS);
        int base = (int) (r * rowBytes);
        for (int i = 0; i < COLS; i++) {
            int blk = base + (i / type.blockSize) * type.blockBytes;
            int j = i % type.blockSize;
            y[i] = switch (type) {
                case F32 -> bb.getFloat(base + 4 * i);
                case F16 -> Float.float16ToFloat(bb.getShort(base + 2 * i));
                case BF16 -> Float.intBitsToFloat((bb.getShort(base + 2 * i) & 0xffff) << 16);
                case Q8_0 -> Float.float16ToFloat(bb.getShort(blk)) * b[blk + 2 + j];
                case Q4_0 -> {
                    int q = b[blk + 2 + (j % 16)] & 0xff;
                    yield Float.float16ToFloat(bb.getShort(blk)) * ((j < 16 ? q & 0xF : q >> 4) - 8);
                }
                case Q6_K -> {
                    // j = 128*half + 32*k + l: low nibble from ql[64*half + l + 32*(k&1)] (k<2 low, k>=2 high),
                    // two high bits from qh[32*half + l] at shift 2k; scale index 8*half + 2k + l/16.
                    int half = j / 128, k = (j % 128) / 32, l = j % 32;
                    int ql = b[blk + 64 * half + l + 32 * (k & 1)] & 0xff;
                    int lo = k < 2 ? ql & 0xF : ql >> 4;
                    int hi = ((b[blk + 128 + 32 * half + l] & 0xff) >> (2 * k)) & 3;
                    int sc = b[blk + 192 + 8 * half + 2 * k + l / 16];
                    yield Float.float16ToFloat(bb.getShort(blk + 208)) * sc * ((lo | (hi << 4)) - 32);
                }
                case Q4_K -> {
                    // j = 64*c + 32*hi + l: nibble hi of qs[32*c + l] (qs at byte 16), sub-block s = 2*c + hi.
                    int c = j / 64, hi = (j % 64) / 32, l = j % 32;
                    int qs = b[blk + 16 + 32 * c + l] & 0xff;
                    int q = hi == 0 ? qs & 0xF : qs >> 4;
                    int[] sm = q4kScaleAndMin(b, blk + 4, 2 * c + hi);
                    float d = Float.float16ToFloat(bb.getShort(blk)), dmin = Float.float16ToFloat(bb.getShort(blk + 2));
                    yield d * sm[0] * q - dmin * sm[1];
                }
                default -> throw new IllegalArgumentException(type.name());
            };
        }
        return y;
    }

    /**
     * The 12 scale bytes as eight 6-bit (scale, min) pairs. Pairs 0-3: scale = low 6 bits of byte s, min = low 6 bits
     * of byte s+4. Pairs 4-7: the low 4 bits sit in byte s+4 (scale low nibble, min high nibble), the top 2 bits
     * in the otherwise unused top bits of bytes s-4 (scale) and s (min).
     */
    static int[] q4kScaleAndMin(byte[] b, int at, int s) {
        int[] u = new int[12];
        for (int i = 0; i < 12; i++) u[i] = b[at + i] & 0xff;
        if (s < 4) return new int[] {u[s] % 64, u[s + 4] % 64};
        int hiScale = u[s - 4] / 64, hiMin = u[s] / 64;
        return new int[] {u[s + 4] % 16 + 16 * hiScale, u[s + 4] / 16 + 16 * hiMin};
    }
}
