package dev.genstream.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogprobsTest {

    private static final int[] NO_HISTORY = {};

    /** log-softmax in plain double arithmetic. */
    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (float l : logits) max = Math.max(max, l);
        for (float l : logits) z += Math.exp(l - max);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - max - Math.log(z);
        return out;
    }

    @Test
    void aFullVocabularyOfAlternativesSumsToOne() {
        float[] logits = TestLogits.gaussian(1, 20, 3);
        SampleResult r = new Sampler(SamplingParams.defaults().withLogprobs(20)).sample(logits, NO_HISTORY, 0, 0);
        assertThat(r.topLogprobs()).hasSize(20);
        assertThat(r.topLogprobs().stream().mapToDouble(t -> Math.exp(t.logprob())).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(r.topLogprobs().stream().map(TokenLogprob::token).distinct().count()).isEqualTo(20);
    }

    @Test
    void alternativesAreTheTopNDescendingWithRawLogSoftmaxValues() {
        float[] logits = TestLogits.gaussian(2, 5000, 3);
        logits[10] = logits[20] = 50; // a tie at the top: lower id first
        double[] expected = logSoftmax(logits);
        SampleResult r = new Sampler(SamplingParams.defaults().withLogprobs(7)).sample(logits, NO_HISTORY, 0, 3);
        List<Integer> topIds = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparing(i -> i))
                .limit(7).toList();
        assertThat(r.topLogprobs().stream().map(TokenLogprob::token).toList()).isEqualTo(topIds);
        assertThat(topIds.subList(0, 2)).containsExactly(10, 20);
        for (TokenLogprob t : r.topLogprobs()) assertThat(t.logprob()).isCloseTo(expected[t.token()], within(1e-9));
        double[] values = r.topLogprobs().stream().mapToDouble(TokenLogprob::logprob).toArray();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < values.length; i++) assertThat(values[i]).isEqualTo(sorted[values.length - 1 - i]);
    }

    @Test
    void theChosenTokensLogprobIsTheRawModelValueWhateverTheParams() {
        float[] logits = TestLogits.gaussian(3, 3000, 2);
        double[] expected = logSoftmax(logits);
        int[] history = {1, 2, 3, 4, 5, 5, 5};
        List<SamplingParams> all = List.of(
                SamplingParams.defaults(),
                SamplingParams.greedy(),
                SamplingParams.builder().temperature(0.2).topK(3).repeatPenalty(1.5).frequencyPenalty(1).build(),
                SamplingParams.builder().temperature(2.5).noTruncation().build());
        for (SamplingParams p : all) {
            Sampler s = new Sampler(p);
            for (long i = 0; i < 30; i++) {
                SampleResult r = s.sample(logits, history, history.length, i);
                assertThat(r.logprob()).as("%s at %d", p, i).isCloseTo(expected[r.token()], within(1e-9));
                assertThat(r.topLogprobs()).isEmpty();
            }
        }
    }
}
