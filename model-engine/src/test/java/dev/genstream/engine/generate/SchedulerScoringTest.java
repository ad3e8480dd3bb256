package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scoring in the scheduler, chunked and batched with generations, gives the same scores as scoring alone. */
class SchedulerScoringTest {
    @Test
    void scoresBatchedWithGenerationsEqualScoresAlone() throws Exception {
        try (Model m = Model.load(BundledModel.path(), 2);
             Scheduler s = new Scheduler(m, new Scheduler.Limits(4, 6, 128))) {
            var tok = m.tokenizer();
            int[] p1 = tok.encode("In the beginning God", true, false), c1 = tok.encode(" created the heaven and the earth.", false, false);
            int[] p2 = tok.encode("And Moses said", true, false), c2 = tok.encode(" unto the LORD, Behold, I am slow of speech.", false, false);
            GenerationHandle g = s.submit("g", tok.encode("Blessed are the", true, false),
                    new GenerationParams(SamplingParams.defaults().withSeed(3), 20, List.of()), new int[0]);
            ScoreHandle a = s.submitScore("a", p1, c1, 2);
            ScoreHandle b = s.submitScore("b", p2, c2, 0);
            ScoreHandle tooLong = s.submitScore("x", p1, new int[200], 0);
            long deadline = System.currentTimeMillis() + 60_000;
            while ((a.score() == null || b.score() == null || g.finishReason() == null || tooLong.failure() == null)
                    && System.currentTimeMillis() < deadline) Thread.sleep(10);
            assertThat(tooLong.failure()).hasMessageContaining("the context holds 128");
            Scorer alone = new Scorer(m.transformer());
            check(a.score(), alone.score(p1, c1, 2, 512));
            check(b.score(), alone.score(p2, c2, 0, 512));
            assertThat(a.score().tokens().get(0).top()).hasSize(2);
            assertThat(g.finishReason()).isNotNull();
        }
    }

    private static void check(Scorer.Score got, Scorer.Score expected) {
        assertThat(got.tokenCount()).isEqualTo(expected.tokenCount());
        for (int i = 0; i < got.tokenCount(); i++) {
            assertThat(got.tokens().get(i).token()).isEqualTo(expected.tokens().get(i).token());
            assertThat(got.tokens().get(i).logprob()).isCloseTo(expected.tokens().get(i).logprob(), within(1e-9));
        }
        assertThat(got.totalLogprob()).isCloseTo(expected.totalLogprob(), within(1e-8));
    }
}
