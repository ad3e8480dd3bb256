package dev.genstream.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Back-to-back calls of changing sizes: every index runs exactly once, and all of it before the call returns. */
class ParallelTest {
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyIndexRunsOnceAndIsDoneOnReturn(int threads) {
        try (Parallel p = new Parallel(threads)) {
            int[] hits = new int[300];
            for (int it = 0; it < 50_000; it++) {
                int n = 1 + (it * 7919) % 300;
                final int round = it;
                p.forRange(n, (from, to) -> {
                    for (int i = from; i < to; i++) hits[i] = hits[i] == round ? round + 1 : -1;
                });
                for (int i = 0; i < n; i++) {
                    if (hits[i] != it + 1) throw new AssertionError("call " + it + " n " + n + " index " + i + ": " + hits[i]);
                    hits[i] = it + 1;
                }
                for (int i = n; i < hits.length; i++) hits[i] = it + 1;
            }
            assertThat(hits[0]).isEqualTo(50_000);
        }
    }
}
