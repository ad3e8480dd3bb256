package dev.genstream.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplerTest {

    private static final int[] NO_HISTORY = {};

    private static int pick(SamplingParams p, float[] logits, int... history) {
        return new Sampler(p).sample(logits, history, history.length, 0).token();
    }

    @Test
    void greedyIsArgmaxWithTiesToTheLowestId() {
        assertThat(pick(SamplingParams.greedy(), new float[] {0.5f, 3f, 1f, 3f, -2f})).isEqualTo(1);
        assertThat(pick(SamplingParams.greedy(), new float[] {-1f, -1f})).isZero();
        float[] logits = TestLogits.gaussian(1, 10_000, 3);
        int best = 0;
        for (int i = 0; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        Sampler s = new Sampler(SamplingParams.greedy().withSeed(77));
        for (long index = 0; index < 20; index++) assertThat(s.sample(logits, NO_HISTORY, 0, index).token()).isEqualTo(best);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        SamplingParams p = SamplingParams.greedy().toBuilder().repeatPenalty(1.1).build();
        assertThat(pick(p, new float[] {2.0f, 1.9f})).isZero();
        assertThat(pick(p, new float[] {2.0f, 1.9f}, 0)).isEqualTo(1); // 2 / 1.1 = 1.82
        assertThat(pick(p, new float[] {2.0f, 1.7f}, 0)).isZero();     // still above 1.7
        assertThat(pick(p, new float[] {-1.0f, -1.05f}, 0)).isEqualTo(1); // -1 * 1.1 = -1.1
        assertThat(pick(p, new float[] {-1.0f, -1.05f}, 1)).isZero();
    }

    @Test
    void presencePenaltyCountsOnceFrequencyPenaltyPerOccurrence() {
        SamplingParams presence = SamplingParams.greedy().toBuilder().presencePenalty(0.5).build();
        assertThat(pick(presence, new float[] {1.0f, 0.6f}, 0)).isEqualTo(1);      // 0.5 < 0.6
        assertThat(pick(presence, new float[] {1.0f, 0.4f}, 0, 0, 0)).isZero();    // 0.5 > 0.4, not 3x
        SamplingParams frequency = SamplingParams.greedy().toBuilder().frequencyPenalty(0.15).build();
        assertThat(pick(frequency, new float[] {1.0f, 0.6f}, 0, 0)).isZero();      // 0.7
        assertThat(pick(frequency, new float[] {1.0f, 0.6f}, 0, 0, 0)).isEqualTo(1); // 0.55
    }

    @Test
    void penaltiesLookOnlyAtTheLastNTokens() {
        float[] logits = {2.0f, 1.9f, 0f};
        SamplingParams lastTwo = SamplingParams.greedy().toBuilder().repeatPenalty(1.5).repeatLastN(2).build();
        assertThat(pick(lastTwo, logits, 0, 2, 2)).isZero();
        assertThat(pick(lastTwo, logits, 2, 0, 2)).isEqualTo(1);
        SamplingParams all = lastTwo.toBuilder().repeatLastN(-1).build();
        assertThat(pick(all, logits, 0, 2, 2)).isEqualTo(1);
        SamplingParams none = lastTwo.toBuilder().repeatLastN(0).build();
        assertThat(pick(none, logits, 0, 0, 0)).isZero();
        // only historyLen entries count, not the whole array
        assertThat(new Sampler(all).sample(logits, new int[] {2, 0}, 1, 0).token()).isZero();
    }

    @Test
    void theCallersLogitsAreNotModified() {
        float[] logits = TestLogits.gaussian(3, 1000, 2);
        float[] copy = logits.clone();
        SamplingParams p = SamplingParams.builder().repeatPenalty(1.3).presencePenalty(0.4).frequencyPenalty(0.2)
                .topK(0).topP(0.9).logprobs(5).build();
        new Sampler(p).sample(logits, new int[] {1, 2, 3, 3, 999}, 5, 0);
        assertThat(logits).isEqualTo(copy);
    }

    @Test
    void topKOfOneIsGreedy() {
        float[] logits = TestLogits.gaussian(4, 5000, 3);
        int greedy = pick(SamplingParams.greedy(), logits);
        Sampler s = new Sampler(SamplingParams.builder().temperature(1.5).topK(1).topP(1).minP(0).build());
        for (long i = 0; i < 200; i++) assertThat(s.sample(logits, NO_HISTORY, 0, i).token()).isEqualTo(greedy);
    }

    @Test
    void tinyTopPIsGreedy() {
        float[] logits = TestLogits.gaussian(5, 5000, 1);
        int greedy = pick(SamplingParams.greedy(), logits);
        Sampler s = new Sampler(SamplingParams.builder().temperature(2).noTruncation().topP(1e-9).build());
        for (long i = 0; i < 200; i++) assertThat(s.sample(logits, NO_HISTORY, 0, i).token()).isEqualTo(greedy);
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        // relative probabilities 1, e^-1 = 0.37, e^-2 = 0.14, e^-5: min-p 0.2 keeps tokens 0 and 1 only
        float[] logits = {0f, -1f, -2f, -5f};
        Sampler s = new Sampler(SamplingParams.builder().temperature(3).noTruncation().minP(0.2).build());
        Set<Integer> seen = new HashSet<>();
        for (long i = 0; i < 2000; i++) seen.add(s.sample(logits, NO_HISTORY, 0, i).token());
        assertThat(seen).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void tokensWithMinusInfinityLogitsAreNeverDrawn() {
        float[] logits = TestLogits.gaussian(6, 100, 1);
        for (int i = 0; i < 100; i += 2) logits[i] = Float.NEGATIVE_INFINITY;
        Sampler s = new Sampler(SamplingParams.builder().temperature(5).noTruncation().build());
        for (long i = 0; i < 2000; i++) assertThat(s.sample(logits, NO_HISTORY, 0, i).token() % 2).isOne();
    }

    @Test
    void frequenciesFollowSoftmaxOfLogitsOverTemperature() {
        float[] logits = {1.0f, 0.5f, 0.0f, -0.5f, -1.0f, 2.0f};
        double t = 0.7;
        assertFrequencies(SamplingParams.builder().temperature(t).noTruncation().seed(11).build(), logits,
                softmax(logits, t, logits.length));
        // the ranked path: top-3 renormalized (tokens 5, 0, 1)
        double[] top3 = softmax(new float[] {2.0f, 1.0f, 0.5f}, t, 3);
        assertFrequencies(SamplingParams.builder().temperature(t).noTruncation().topK(3).seed(12).build(), logits,
                new double[] {top3[1], top3[2], 0, 0, 0, top3[0]});
    }

    private static void assertFrequencies(SamplingParams p, float[] logits, double[] expected) {
        int draws = 50_000;
        int[] counts = new int[logits.length];
        Sampler s = new Sampler(p);
        for (long i = 0; i < draws; i++) counts[s.sample(logits, NO_HISTORY, 0, i).token()]++;
        for (int tok = 0; tok < logits.length; tok++) {
            // 0.01 is about five standard deviations at these probabilities
            assertThat((double) counts[tok] / draws).as("token %d", tok).isCloseTo(expected[tok],
                    org.assertj.core.data.Offset.offset(0.01));
        }
    }

    private static double[] softmax(float[] logits, double t, int n) {
        double[] p = new double[n];
        double z = 0;
        for (int i = 0; i < n; i++) z += p[i] = Math.exp(logits[i] / t);
        for (int i = 0; i < n; i++) p[i] /= z;
        return p;
    }

    static Stream<Arguments> chains() {
        SamplingParams.Builder base = SamplingParams.builder().seed(2024);
        return Stream.of(
                Arguments.of("defaults", base.build(), 3000),
                Arguments.of("top-k only", base.build().toBuilder().noTruncation().topK(50).build(), 3000),
                Arguments.of("top-p only", base.build().toBuilder().noTruncation().topP(0.9).build(), 3000),
                Arguments.of("top-p 0.999 only", base.build().toBuilder().noTruncation().topP(0.999).build(), 3000),
                Arguments.of("min-p only", base.build().toBuilder().noTruncation().minP(0.1).build(), 3000),
                Arguments.of("top-p + min-p", base.build().toBuilder().topK(0).topP(0.8).minP(0.02).build(), 3000),
                Arguments.of("no truncation", base.build().toBuilder().noTruncation().temperature(1.3).build(), 3000),
                Arguments.of("penalties", base.build().toBuilder().topK(0).topP(0.95).repeatPenalty(1.2)
                        .presencePenalty(0.5).frequencyPenalty(0.3).repeatLastN(16).build(), 3000),
                Arguments.of("large vocab top-p", base.build().toBuilder().noTruncation().topP(0.95).build(), 70_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void fastPathsPickExactlyWhatTheObviousImplementationPicks(String name, SamplingParams p, int vocab) {
        int[] history = new int[40];
        for (int i = 0; i < history.length; i++) history[i] = (i * 7919) % 50;
        Sampler s = new Sampler(p);
        int draws = vocab > 10_000 ? 30 : 150;
        for (long i = 0; i < draws; i++) {
            float[] logits = i % 2 == 0 ? TestLogits.gaussian(i, vocab, 3) : TestLogits.withTies(i, vocab);
            int len = (int) (i % history.length);
            assertThat(s.sample(logits, history, len, i).token()).as("index %d", i)
                    .isEqualTo(ReferenceSampler.sample(p, logits, history, len, i));
        }
    }

    @Test
    void badInputsAreRejected() {
        Sampler s = new Sampler(SamplingParams.defaults());
        assertThatThrownBy(() -> s.sample(new float[0], NO_HISTORY, 0, 0)).hasMessageContaining("empty");
        assertThatThrownBy(() -> s.sample(new float[] {1, Float.NaN}, NO_HISTORY, 0, 0)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> s.sample(new float[] {Float.NEGATIVE_INFINITY}, NO_HISTORY, 0, 0))
                .hasMessageContaining("-infinity");
        assertThatThrownBy(() -> s.sample(new float[] {1, 2}, new int[] {1}, 2, 0)).hasMessageContaining("historyLen");
        assertThatThrownBy(() -> s.sample(new float[] {1, 2}, NO_HISTORY, 0, -1)).hasMessageContaining("index");
        Sampler penalizing = new Sampler(SamplingParams.builder().repeatPenalty(1.1).build());
        assertThatThrownBy(() -> penalizing.sample(new float[] {1, 2}, new int[] {5}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("history token 5");
    }
}
