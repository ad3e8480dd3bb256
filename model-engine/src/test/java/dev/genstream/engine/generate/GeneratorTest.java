package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation on the bundled model: reproducibility, stop conditions, streamed text and logprobs. */
class GeneratorTest {
    static Model model;
    static Generator generator;
    static final String PROMPT = "And the LORD said unto Moses,";

    @BeforeAll
    static void load() {
        model = Model.load(BundledModel.path(), 2);
        generator = new Generator(model, model.tokenizer(), 256);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static int[] prompt() {
        return model.tokenizer().encode(PROMPT, true, true);
    }

    static SamplingParams sampled(long seed) {
        return SamplingParams.defaults().withSeed(seed).withTemperature(1.0);
    }

    @Test
    void theSameSeedGivesTheSameTokensAndAnotherSeedDiffers() {
        GenerationParams p = new GenerationParams(sampled(42), 40, List.of());
        Generator.Result a = generator.generate(prompt(), p, t -> {});
        Generator.Result b = generator.generate(prompt(), p, t -> {});
        Generator.Result c = generator.generate(prompt(), new GenerationParams(sampled(43), 40, List.of()), t -> {});
        assertThat(b.tokens()).containsExactly(a.tokens());
        assertThat(b.text()).isEqualTo(a.text());
        assertThat(c.tokens()).isNotEqualTo(a.tokens());
    }

    @Test
    void aPrefixCacheRunsOnlyTheNewTokensOfTheNextTurnAndChangesNoToken() {
        Generator cached = new Generator(model, model.tokenizer(), 256, 16L << 20);
        GenerationParams p = new GenerationParams(sampled(9), 20, List.of());
        Generator.Result first = cached.generate(prompt(), p, t -> {});
        assertThat(first.reusedTokens()).isZero();
        assertThat(first.tokens()).containsExactly(generator.generate(prompt(), p, t -> {}).tokens());

        // the next turn: the whole first exchange, then new text
        int[] next = model.tokenizer().encode(PROMPT + first.text() + " And Moses said,", true, true);
        Generator.Result again = cached.generate(next, p, t -> {});
        Generator.Result fresh = generator.generate(next, p, t -> {});
        assertThat(again.reusedTokens()).isGreaterThanOrEqualTo(prompt().length).isLessThan(next.length);
        assertThat(again.tokens()).containsExactly(fresh.tokens());
        assertThat(fresh.reusedTokens()).isZero();
    }

    @Test
    void streamedTextConcatenatesToTheCompletionAndTheTokensDecodeToIt() {
        List<TokenOutput> outs = new ArrayList<>();
        Generator.Result r = generator.generate(prompt(), new GenerationParams(SamplingParams.greedy(), 30, List.of()), outs::add);
        StringBuilder joined = new StringBuilder();
        for (TokenOutput o : outs) joined.append(o.text());
        assertThat(joined).hasToString(r.text());
        assertThat(model.tokenizer().decode(r.tokens())).isEqualTo(r.text());
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokens()).hasSize(30);
        for (int i = 0; i < outs.size(); i++) assertThat(outs.get(i).index()).isEqualTo(i);
    }

    @Test
    void aStopStringEndsGenerationAndIsNotEmitted() {
        Generator.Result free = generator.generate(prompt(), new GenerationParams(SamplingParams.greedy(), 40, List.of()), t -> {});
        // Stop on a piece of what greedy decoding is known to produce, from its second word on.
        String text = free.text();
        int cut = text.indexOf(' ', 2);
        String stop = text.substring(cut, Math.min(text.length(), cut + 4));
        Generator.Result r = generator.generate(prompt(), new GenerationParams(SamplingParams.greedy(), 40, List.of(stop)), t -> {});
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(r.text()).doesNotContain(stop);
    }

    @Test
    void anEndOfGenerationTokenFinishesWithEos() {
        // The model's only end token is <|endoftext|>; making every other token impossible forces it.
        int eos = model.tokenizer().eosId();
        assertThat(model.tokenizer().isEndOfGeneration(eos)).isTrue();
        Sequence seq = generator.newSequence(prompt(), new GenerationParams(SamplingParams.greedy(), 10, List.of()));
        seq.step();
        float[] logits = new float[model.config().vocabSize()];
        java.util.Arrays.fill(logits, -100f);
        logits[eos] = 10f;
        TokenOutput out = seq.accept(logits);
        assertThat(seq.finishReason()).isEqualTo(FinishReason.EOS);
        assertThat(out.tokenId()).isEqualTo(eos);
        assertThat(seq.generated()).isZero();
    }

    @Test
    void logprobsAndTopAlternativesAreReported() {
        List<TokenOutput> outs = new ArrayList<>();
        SamplingParams p = SamplingParams.greedy().withLogprobs(5);
        generator.generate(prompt(), new GenerationParams(p, 5, List.of()), outs::add);
        for (TokenOutput o : outs) {
            assertThat(o.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(o.topLogprobs()).hasSize(5);
            assertThat(o.topLogprobs().get(0).token()).isEqualTo(o.tokenId()); // greedy picks the top one
            assertThat(o.topLogprobs().get(0).logprob()).isEqualTo(o.logprob());
        }
    }

    /** Several sequences stepped together give exactly what each gives alone. */
    @Test
    void batchedGenerationEqualsGeneratingAlone() {
        List<Sequence> seqs = new ArrayList<>();
        List<Consumer<TokenOutput>> listeners = new ArrayList<>();
        List<Generator.Result> alone = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            GenerationParams p = new GenerationParams(sampled(100 + s), 12 + 3 * s, List.of());
            alone.add(generator.generate(prompt(), p, t -> {}));
            seqs.add(generator.newSequence(prompt(), p));
            listeners.add(t -> {});
        }
        generator.runBatch(seqs, listeners);
        for (int s = 0; s < 4; s++) {
            assertThat(seqs.get(s).generatedTokens()).containsExactly(alone.get(s).tokens());
            assertThat(seqs.get(s).text()).isEqualTo(alone.get(s).text());
        }
    }

    @Test
    void aPromptLongerThanTheContextIsRejectedClearly() {
        Generator small = new Generator(model, model.tokenizer(), 4);
        assertThatThrownBy(() -> small.generate(prompt(), new GenerationParams(SamplingParams.greedy(), 5, List.of()), t -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context holds 4");
    }

    @Test
    void generationEndsWithLengthWhenTheContextFills() {
        Generator small = new Generator(model, model.tokenizer(), prompt().length + 3);
        Generator.Result r = small.generate(prompt(), new GenerationParams(SamplingParams.greedy(), 50, List.of()), t -> {});
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokens()).hasSize(3);
    }
}
