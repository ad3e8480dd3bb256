package dev.genstream.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CounterRngTest {

    @Test
    void sameSeedAndIndexGiveTheSameValue() {
        for (long i = 0; i < 1000; i++) {
            assertThat(CounterRng.uniform(123, i)).isEqualTo(CounterRng.uniform(123, i));
        }
    }

    @Test
    void valuesLieInTheHalfOpenUnitInterval() {
        for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            double min = 1, max = 0;
            for (long i = 0; i < 20_000; i++) {
                double u = CounterRng.uniform(seed, i);
                min = Math.min(min, u);
                max = Math.max(max, u);
            }
            assertThat(min).isGreaterThanOrEqualTo(0.0).isLessThan(0.001);
            assertThat(max).isLessThan(1.0).isGreaterThan(0.999);
        }
    }

    @Test
    void differentIndexesGiveDifferentValues() {
        Set<Long> seen = new HashSet<>();
        for (long i = 0; i < 50_000; i++) assertThat(seen.add(CounterRng.bits(7, i))).isTrue();
    }

    @Test
    void neighbouringSeedsAreNotShiftedCopiesOfEachOther() {
        Set<Long> first = new HashSet<>();
        for (long i = 0; i < 10_000; i++) first.add(CounterRng.bits(1000, i));
        for (long seed : new long[] {999, 1001, 1002}) {
            long overlap = 0;
            for (long i = 0; i < 10_000; i++) if (first.contains(CounterRng.bits(seed, i))) overlap++;
            assertThat(overlap).as("values shared with seed 1000's stream, seed %d", seed).isZero();
        }
    }

    @Test
    void drawsAreRoughlyUniform() {
        int bins = 100, draws = 100_000;
        for (long seed : new long[] {0, 1, 0xDEADBEEFL}) {
            int[] counts = new int[bins];
            for (long i = 0; i < draws; i++) counts[(int) (CounterRng.uniform(seed, i) * bins)]++;
            double expected = (double) draws / bins, chi2 = 0;
            for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
            // 99 degrees of freedom: mean 99, sd 14; both bounds are more than 3 sd away.
            assertThat(chi2).as("chi-square for seed %d", seed).isBetween(50.0, 200.0);
        }
    }

    @Test
    void theDrawFormatIsPinned() {
        // Expected values computed independently in Python from the definition in CounterRng.uniform's Javadoc.
        assertThat(CounterRng.bits(0, 0)).isEqualTo(0x48218226ff3cd4bfL);
        assertThat(CounterRng.bits(0, 1)).isEqualTo(0x0397ab29740681d9L);
        assertThat(CounterRng.bits(42, 7)).isEqualTo(0x0a352c7b27303d42L);
        assertThat(CounterRng.bits(-1, 1000)).isEqualTo(0xbf2ffa567c621cd8L);
        assertThat(CounterRng.uniform(0, 0)).isEqualTo(0.28176129772258496);
        assertThat(CounterRng.uniform(-1, 1000)).isEqualTo(0.7468258343836925);
    }

    @Test
    void seedForIsFnv1a64OfUtf8() {
        // Published FNV-1a 64 test vectors (offset basis, "a", "foobar"), plus a non-ASCII id checked in Python.
        assertThat(CounterRng.seedFor("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(CounterRng.seedFor("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(CounterRng.seedFor("foobar")).isEqualTo(0x85944171f73967e8L);
        assertThat(CounterRng.seedFor("héllo")).isEqualTo(0xa35ff71f960240e0L);
        assertThat(CounterRng.seedFor("req-42")).isEqualTo(3101211495599298888L);
        assertThat(CounterRng.seedFor("req-42")).isNotEqualTo(CounterRng.seedFor("req-43"));
    }
}
