package dev.genstream.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The crash-resume property: a generation's tokens depend only on (params, history, index). */
class ReproducibilityTest {

    private static final int VOCAB = 2000;
    private static final int[] PROMPT = {5, 17, 17, 1999, 0, 42};

    static Stream<SamplingParams> params() {
        SamplingParams seeded = SamplingParams.defaults().withSeed(CounterRng.seedFor("request-1"));
        return Stream.of(
                seeded,
                seeded.toBuilder().repeatPenalty(1.15).presencePenalty(0.3).frequencyPenalty(0.2).logprobs(3).build(),
                seeded.toBuilder().noTruncation().topP(0.9).build(),
                seeded.toBuilder().noTruncation().minP(0.1).temperature(1.2).build(),
                seeded.toBuilder().noTruncation().build(),
                SamplingParams.greedy().toBuilder().repeatPenalty(1.3).repeatLastN(-1).build());
    }

    /** Generates tokens {@code from..to-1} on top of {@code history[0..len)}; returns the whole history. */
    private static int[] generate(SamplingParams p, int[] history, int len, int from, int to, SampleResult[] out) {
        int[] h = Arrays.copyOf(history, PROMPT.length + to);
        Sampler sampler = new Sampler(p);
        for (int i = from; i < to; i++) {
            SampleResult r = sampler.sample(TestLogits.model(h, len, VOCAB), h, len, i);
            out[i] = r;
            h[len++] = r.token();
        }
        return h;
    }

    @ParameterizedTest
    @MethodSource("params")
    void twoFreshRunsAreIdentical(SamplingParams p) {
        SampleResult[] a = new SampleResult[100], b = new SampleResult[100];
        int[] ha = generate(p, PROMPT, PROMPT.length, 0, 100, a);
        int[] hb = generate(p, PROMPT, PROMPT.length, 0, 100, b);
        assertThat(hb).isEqualTo(ha);
        assertThat(b).isEqualTo(a); // records of ints, doubles and lists: bit-identical logprobs too
        assertThat(Arrays.stream(a).map(SampleResult::token).distinct().count()).isGreaterThan(1);
    }

    @ParameterizedTest
    @MethodSource("params")
    void resumingAtIndex50ContinuesExactly(SamplingParams p) {
        SampleResult[] full = new SampleResult[100], resumed = new SampleResult[100];
        int[] uninterrupted = generate(p, PROMPT, PROMPT.length, 0, 100, full);
        // after a "crash": prompt + the 50 committed tokens, a fresh sampler, continue at index 50
        int committed = PROMPT.length + 50;
        int[] restarted = generate(p, Arrays.copyOf(uninterrupted, committed), committed, 50, 100, resumed);
        assertThat(restarted).isEqualTo(uninterrupted);
        assertThat(Arrays.copyOfRange(resumed, 50, 100)).isEqualTo(Arrays.copyOfRange(full, 50, 100));
    }
}
