package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.sampling.TokenLogprob;
import dev.genstream.engine.testing.BundledModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scoring agrees with the teacher-forced logits path and with the logprobs that generation reports. */
class ScorerTest {
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(BundledModel.path(), 2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void totalIsTheSumOfLogprobsFromTheLogitsPath() {
        int[] prompt = model.tokenizer().encode("In the beginning God", true, false);
        int[] cont = model.tokenizer().encode(" created the heaven and the earth.", false, false);
        Scorer.Score s = new Scorer(model.transformer()).score(prompt, cont, 3, 4);

        int[] all = new int[prompt.length + cont.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(cont, 0, all, prompt.length, cont.length);
        Transformer tf = model.transformer();
        float[] logits = tf.forward(List.of(new Transformer.Step(tf.newCache(all.length), all, true)))[0];
        int vocab = model.config().vocabSize();
        double sum = 0;
        for (int i = 0; i < cont.length; i++) {
            int row = prompt.length - 1 + i;
            double lp = independentLogSoftmax(logits, row * vocab, vocab, cont[i]);
            assertThat(s.tokens().get(i).token()).isEqualTo(cont[i]);
            assertThat(s.tokens().get(i).logprob()).isCloseTo(lp, within(1e-6));
            sum += lp;
        }
        assertThat(s.tokenCount()).isEqualTo(cont.length);
        assertThat(s.totalLogprob()).isCloseTo(sum, within(1e-5));
        assertThat(s.totalLogprob()).isCloseTo(s.tokens().stream().mapToDouble(Scorer.TokenScore::logprob).sum(), within(1e-12));
        assertThat(s.perplexity()).isCloseTo(Math.exp(-sum / cont.length), within(1e-4));
        for (Scorer.TokenScore t : s.tokens()) {
            assertThat(t.top()).hasSize(3);
            assertThat(t.top().get(0).logprob()).isGreaterThanOrEqualTo(t.top().get(1).logprob());
            assertThat(t.top().get(0).logprob()).isGreaterThanOrEqualTo(t.logprob() - 1e-12);
        }
    }

    @Test
    void scoringAGenerationGivesItsSampledLogprobs() {
        int[] prompt = model.tokenizer().encode("And Moses said", true, false);
        List<Double> sampled = new ArrayList<>();
        Generator.Result r = new Generator(model, model.tokenizer(), 64).generate(prompt,
                new GenerationParams(SamplingParams.defaults().withSeed(7).withTemperature(1.0), 12, List.of()), t -> sampled.add(t.logprob()));
        Scorer.Score s = new Scorer(model.transformer()).score(prompt, r.tokens(), 0, 512);
        assertThat(s.tokenCount()).isEqualTo(r.tokens().length);
        for (int i = 0; i < r.tokens().length; i++) assertThat(s.tokens().get(i).logprob()).isCloseTo(sampled.get(i), within(1e-4));
    }

    private static double independentLogSoftmax(float[] x, int off, int n, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double z = 0;
        for (int i = 0; i < n; i++) z += Math.exp(x[off + i] - max);
        return x[off + token] - max - Math.log(z);
    }
}
