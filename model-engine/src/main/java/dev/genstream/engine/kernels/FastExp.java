package dev.genstream.engine.kernels;

/**
 * {@code exp(x)} for {@code x <= 0}, built only from IEEE-754 add, multiply and bit moves, so its result is the same
 * on every JVM and CPU ({@link Math#exp} may be an intrinsic that differs between platforms; {@link StrictMath#exp}
 * is reproducible but about 3x slower, and the sampler runs it over the whole vocabulary every token).
 * Relative error below 3e-15 over [-708, 0]. Table-driven: x = (32m + j)·ln2/32 + r, |r| ≤ ln2/64.
 */
public final class FastExp {

    private static final int TABLE_BITS = 5;
    private static final int TABLE_SIZE = 1 << TABLE_BITS;
    private static final double N_OVER_LN2 = TABLE_SIZE * 1.4426950408889634;
    private static final double LN2_HI_OVER_N = 6.93147180369123816490e-01 / TABLE_SIZE;
    private static final double LN2_LO_OVER_N = 1.90821492927058770002e-10 / TABLE_SIZE;
    /** Adding this rounds to an integer held in the low mantissa bits (round-half-even). */
    private static final double SHIFTER = 0x1.8p52;
    private static final double[] POW2_FRAC = new double[TABLE_SIZE];

    static {
        for (int j = 0; j < TABLE_SIZE; j++) POW2_FRAC[j] = StrictMath.pow(2, (double) j / TABLE_SIZE);
    }

    private FastExp() {}

    /** exp(x) for x ≤ 0; 0 below -708 and for -∞ (subnormal results are irrelevant to sampling). */
    public static double exp(double x) {
        if (!(x >= -708)) return x != x ? x : 0.0;
        double shifted = x * N_OVER_LN2 + SHIFTER;
        int k = (int) Double.doubleToRawLongBits(shifted);
        double kd = shifted - SHIFTER;
        double r = (x - kd * LN2_HI_OVER_N) - kd * LN2_LO_OVER_N;
        double p = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120)))));
        return p * POW2_FRAC[k & (TABLE_SIZE - 1)] * Double.longBitsToDouble((long) ((k >> TABLE_BITS) + 1023) << 52);
    }
}
