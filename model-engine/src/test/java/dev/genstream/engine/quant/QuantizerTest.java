package dev.genstream.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.kernels.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantize random rows, read them back through the engine's own kernels (readRow), and hold the error to what
 * each format can promise. Rows mix Gaussian weights with the awkward cases: an outlier, an all-zero block, a
 * constant block and an all-positive block.
 */
class QuantizerTest {
    static final int ROWS = 6;
    static final int COLS = 1024;

    static float[] rows(long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[ROWS * COLS];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 0.02);
        x[3] = 0.5f;                                        // outlier in row 0
        Arrays.fill(x, COLS, COLS + 256, 0f);               // row 1: a zero super-block
        Arrays.fill(x, 2 * COLS, 2 * COLS + 256, -0.013f);  // row 2: a constant super-block
        for (int i = 3 * COLS; i < 3 * COLS + 256; i++) x[i] = Math.abs(x[i]) + 0.01f; // row 3: all positive
        for (int i = 4 * COLS; i < 5 * COLS; i++) x[i] *= 1e-2f; // row 4: small (f16-subnormal block scales)
        return x;
    }

    static float[] dequantize(GgmlType type, byte[] bytes) {
        WeightMatrix m = WeightMatrix.of(new GgufTensor("q", type, new long[] {COLS, ROWS}, MemorySegment.ofArray(bytes)));
        float[] y = new float[ROWS * COLS];
        for (int r = 0; r < ROWS; r++) m.readRow(r, y, r * COLS);
        return y;
    }

    static byte[] quantizeRows(Quantizer q, float[] x) {
        int rowBytes = (int) q.type().bytesFor(COLS);
        byte[] out = new byte[rowBytes * ROWS];
        for (int r = 0; r < ROWS; r++) q.quantize(x, r * COLS, COLS, out, r * rowBytes);
        return out;
    }

    /**
     * Max |error| a value may have, given the largest magnitude in its block (ggml's block for this type). Block
     * scales are f16: relative rounding 2^-11, or 2^-25 absolute once subnormal, times the largest level.
     */
    static double bound(GgmlType type, double blockAmax, double value) {
        double f16 = 0x1p-25;
        return switch (type) {
            case F32 -> 0;
            case F16 -> Math.abs(value) * 0x1p-11 + f16;
            case BF16 -> Math.abs(value) * 0x1p-8;
            case Q8_0 -> blockAmax / 127 * (0.5 + 127 * 0x1p-11) + 127 * f16; // half a step
            case Q4_0 -> blockAmax / 8 * (1 + 8 * 0x1p-11) + 8 * f16;         // a full step where +8d caps at +7d
            case Q6_K -> blockAmax / 32 + 32 * 128 * f16;                     // half a 6-bit step, slack for 8-bit scales
            case Q4_K -> blockAmax / 7.5 + 2 * 15 * 63 * f16;                 // half a 4-bit step over 2·amax, 6-bit scales
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    /** Relative RMS error on Gaussian weights: how good, not just how bounded. ggml's own quantizers reach about these. */
    static final Map<GgmlType, Double> RMS = new EnumMap<>(Map.of(
            GgmlType.F32, 0.0, GgmlType.F16, 3e-4, GgmlType.BF16, 3e-3, GgmlType.Q8_0, 0.006,
            GgmlType.Q6_K, 0.025, GgmlType.Q4_K, 0.10, GgmlType.Q4_0, 0.12));

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void valuesReadBackThroughTheKernelsWithinTheFormatsBound(GgmlType type) {
        float[] x = rows(type.ordinal());
        Quantizer q = Quantizer.of(type);
        byte[] bytes = quantizeRows(q, x);
        assertThat(bytes.length).isEqualTo(type.bytesFor((long) ROWS * COLS));
        float[] y = dequantize(type, bytes);
        int block = type.blockSize == 1 ? 1 : type.blockSize;
        for (int b = 0; b < x.length; b += block) {
            double amax = 0;
            for (int i = b; i < b + block; i++) amax = Math.max(amax, Math.abs(x[i]));
            for (int i = b; i < b + block; i++) {
                assertThat((double) Math.abs(y[i] - x[i])).as("%s value %d (%g -> %g)", type, i, x[i], y[i])
                        .isLessThanOrEqualTo(bound(type, amax, x[i]));
            }
        }
        // Exact cases every format must keep: zeros stay zero and a constant block stays (nearly) constant.
        for (int i = COLS; i < COLS + 256; i++) assertThat(y[i]).isZero();
        for (int i = 2 * COLS; i < 2 * COLS + 256; i++) assertThat((double) y[i]).isCloseTo(-0.013, org.assertj.core.data.Offset.offset(1e-4));
        double err = 0, ref = 0;
        for (int i = 5 * COLS; i < 6 * COLS; i++) { // row 5: plain Gaussian
            err += (y[i] - x[i]) * (double) (y[i] - x[i]);
            ref += x[i] * (double) x[i];
        }
        double rel = Math.sqrt(err / ref);
        System.out.printf("[quant] %-5s relative RMS error on N(0, 0.02) weights: %.5f%n", type, rel);
        assertThat(rel).as("relative RMS error").isLessThanOrEqualTo(RMS.get(type));
    }

    /** More bits, less error; and the K-quant's per-sub-block min and scale search beats Q4_0 at the same 4.5 bits. */
    @Test
    void errorsRankAsTheFormatsBits() {
        float[] x = rows(99);
        double[] rms = new double[4];
        GgmlType[] order = {GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_0};
        for (int t = 0; t < order.length; t++) {
            float[] y = dequantize(order[t], quantizeRows(Quantizer.of(order[t]), x));
            double e = 0;
            for (int i = 0; i < x.length; i++) e += (y[i] - x[i]) * (double) (y[i] - x[i]);
            rms[t] = Math.sqrt(e / x.length);
        }
        for (int t = 1; t < order.length; t++) assertThat(rms[t]).as("%s vs %s", order[t], order[t - 1]).isLessThan(rms[t - 1]);
    }

    /**
     * Blocks round-trip: values that came out of a block quantize back to the very same bytes (Q8_0, Q4_0, floats);
     * the K-quants' searches land on the same values to within f16 rounding of their super-scales.
     */
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void blocksRoundTrip(GgmlType type) {
        Quantizer q = Quantizer.of(type);
        byte[] once = quantizeRows(q, rows(7));
        float[] values = dequantize(type, once);
        byte[] twice = quantizeRows(q, values);
        if (type == GgmlType.Q4_K || type == GgmlType.Q6_K) {
            float[] again = dequantize(type, twice);
            double worst = 0, scale = 0;
            for (int i = 0; i < values.length; i++) {
                worst = Math.max(worst, Math.abs(again[i] - values[i]));
                scale = Math.max(scale, Math.abs(values[i]));
            }
            System.out.printf("[quant] %-5s round trip: %d/%d bytes equal, max value change %.3g%n", type, equalBytes(once, twice), once.length, worst);
            assertThat(worst).isLessThanOrEqualTo(scale * 0.01);
        } else {
            assertThat(Arrays.mismatch(twice, once)).as("first differing byte").isEqualTo(-1);
        }
    }

    private static int equalBytes(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) n += a[i] == b[i] ? 1 : 0;
        return n;
    }

    @Test
    void partialBlocksAndUnknownTypesAreRefused() {
        assertThatThrownBy(() -> Quantizer.of(GgmlType.Q4_K).quantize(new float[300])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quantizer.of(GgmlType.Q5_K)).hasMessageContaining("Q5_K");
    }

    /** The ggml rounding rules the quantizers depend on. */
    @Test
    void roundingFollowsGgml() {
        assertThat(Bytes.nearestInt(2.5f)).isEqualTo(2);  // nearest_int: ties to even
        assertThat(Bytes.nearestInt(-3.5f)).isEqualTo(-4);
        assertThat(Bytes.roundf(2.5f)).isEqualTo(3);      // roundf: ties away from zero
        assertThat(Bytes.roundf(-2.5f)).isEqualTo(-3);
        assertThat(Bytes.roundf(0.49999997f)).isZero();
        assertThat(FloatEncoder.bf16(1.00390625f)).isEqualTo(0x3f80); // tie to even: 1 + 2^-8 -> 1.0
        assertThat(FloatEncoder.bf16(1.01171875f)).isEqualTo(0x3f82); // 1 + 3·2^-8 -> 1 + 2^-6
        assertThat(FloatEncoder.bf16(Float.NaN) & 0x7fc0).isEqualTo(0x7fc0);
    }
}
