package dev.genstream.engine.sampling;

import dev.genstream.engine.kernels.FastExp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InternalsTest {

    @Test
    void fastExpMatchesStrictMath() {
        double worst = 0;
        for (double x = -708; x <= 0; x += 0.00731) worst = Math.max(worst, relErr(x));
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) worst = Math.max(worst, relErr(-r.nextDouble() * 40));
        assertThat(worst).isLessThan(1e-14);
        assertThat(FastExp.exp(0)).isEqualTo(1.0);
        assertThat(FastExp.exp(-0.0)).isEqualTo(1.0);
        assertThat(FastExp.exp(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(FastExp.exp(-1000)).isZero();
        assertThat(FastExp.exp(Double.NaN)).isNaN();
    }

    private static double relErr(double x) {
        double want = StrictMath.exp(x);
        return Math.abs(FastExp.exp(x) - want) / want;
    }

    @Test
    void rankKeysOrderByLogitDescendingThenId() {
        float[] logits = {1f, -0.0f, 0.0f, Float.NEGATIVE_INFINITY, 1f, -3.5f, Float.MAX_VALUE, -Float.MIN_VALUE};
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) keys[i] = RankKeys.key(logits[i], i);
        Arrays.sort(keys);
        int[] ids = Arrays.stream(keys).mapToInt(RankKeys::id).toArray();
        assertThat(ids).containsExactly(6, 0, 4, 1, 2, 7, 5, 3);
    }

    @Test
    void selectTopEqualsThePrefixOfAFullSort() {
        float[] logits = TestLogits.withTies(9, 10_000);
        long[] all = new long[logits.length];
        for (int i = 0; i < logits.length; i++) all[i] = RankKeys.key(logits[i], i);
        Arrays.sort(all);
        for (int k : new int[] {1, 2, 40, 999, 10_000, 20_000}) {
            long[] top = new long[Math.min(k, logits.length)];
            int n = RankKeys.selectTop(logits, logits.length, k, top);
            assertThat(n).isEqualTo(top.length);
            assertThat(top).isEqualTo(Arrays.copyOf(all, n));
        }
    }
}
