package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Continuous batching gives every request exactly the tokens it gets alone, and resumes exactly. */
@Timeout(120)
class SchedulerTest {
    static Model model;
    static Generator alone;

    @BeforeAll
    static void load() {
        model = Model.load(BundledModel.path(), 2);
        alone = new Generator(model, model.tokenizer(), 512);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static final String[] PROMPTS = {
        "In the beginning", "And the LORD said unto Moses,", "Blessed are the poor in spirit: for theirs is",
        "The LORD is my shepherd;", "And Jesus answered and said unto them,", "Then Peter",
        "And it came to pass in those days, that there went out a decree from Caesar Augustus, that all the world should be taxed.",
        "Honour thy father"};

    static GenerationParams params(int i) {
        SamplingParams s = i % 3 == 0 ? SamplingParams.greedy() : SamplingParams.defaults().withSeed(1000 + i).withLogprobs(i % 2 * 3);
        return new GenerationParams(s, 20 + 5 * i, List.of());
    }

    static List<TokenOutput> drainAll(GenerationHandle h) throws InterruptedException {
        List<TokenOutput> all = new ArrayList<>();
        while (true) {
            boolean done = h.finishReason() != null || h.failure() != null;
            all.addAll(h.drain());
            if (done) return all;
            Thread.sleep(2);
        }
    }

    @Test
    void eightRequestsJoiningAtDifferentTimesGetExactlyWhatTheyGetAlone() throws Exception {
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(8, 64, 512))) {
            List<GenerationHandle> handles = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                handles.add(s.submit("r" + i, model.tokenizer().encode(PROMPTS[i], true, true), params(i), new int[0]));
                Thread.sleep(15 * i); // later requests join a batch already decoding
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                List<TokenOutput> got = drainAll(handles.get(i));
                List<TokenOutput> expect = new ArrayList<>();
                Generator.Result r = alone.generate(model.tokenizer().encode(PROMPTS[i], true, true), params(i), expect::add);
                assertThat(got).as("request %d", i).isEqualTo(expect);
                assertThat(handles.get(i).text()).isEqualTo(r.text());
                assertThat(handles.get(i).finishReason()).isEqualTo(r.finishReason());
            }
            assertThat(s.steps()).isLessThan(PROMPTS.length * 60L); // they really shared forward passes
        }
    }

    @Test
    void aResumedGenerationContinuesExactlyWhereItStopped() throws Exception {
        int[] prompt = model.tokenizer().encode(PROMPTS[1], true, true);
        GenerationParams p = new GenerationParams(SamplingParams.defaults().withSeed(77).withTemperature(1.2), 40, List.of());
        List<TokenOutput> full = new ArrayList<>();
        Generator.Result whole = alone.generate(prompt, p, full::add);
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 32, 512))) {
            for (int k : new int[] {1, 13, 39}) {
                int[] committed = Arrays.copyOf(whole.tokens(), k);
                List<TokenOutput> rest = drainAll(s.submit("resume-" + k, prompt, p, committed));
                assertThat(rest).as("resumed after %d", k).isEqualTo(full.subList(k, full.size()));
                assertThat(s.submit("x", prompt, p, committed)).isNotNull();
            }
            GenerationHandle h = s.submit("resume-text", prompt, p, Arrays.copyOf(whole.tokens(), 20));
            drainAll(h);
            assertThat(h.text()).isEqualTo(whole.text());
        }
    }

    @Test
    void aLongPromptIsPrefilledInChunksWithTheSameResult() throws Exception {
        int[] prompt = model.tokenizer().encode(PROMPTS[6].repeat(4), true, true);
        GenerationParams p = new GenerationParams(SamplingParams.greedy(), 16, List.of());
        List<TokenOutput> expect = new ArrayList<>();
        alone.generate(prompt, p, expect::add);
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(2, 7, 512))) {
            long before = s.steps();
            assertThat(drainAll(s.submit("long", prompt, p, new int[0]))).isEqualTo(expect);
            assertThat(s.steps() - before).isGreaterThanOrEqualTo(prompt.length / 7);
        }
    }

    @Test
    void cancelledAndImpossibleRequestsEndWithoutDisturbingOthers() throws Exception {
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 64, 64))) {
            GenerationHandle tooLong = s.submit("too-long", model.tokenizer().encode(PROMPTS[6].repeat(5), true, true), params(0), new int[0]);
            GenerationHandle cancelled = s.submit("cancel", model.tokenizer().encode(PROMPTS[0], true, true),
                    new GenerationParams(SamplingParams.greedy(), 40, List.of()), new int[0]);
            GenerationHandle fine = s.submit("fine", model.tokenizer().encode(PROMPTS[3], true, true), params(3), new int[0]);
            cancelled.cancel();
            assertThat(drainAll(tooLong)).isEmpty();
            assertThat(tooLong.failure()).hasMessageContaining("context holds 64");
            assertThat(drainAll(fine)).isNotEmpty();
            assertThat(fine.finishReason()).isNotNull();
            int sizeAfter = cancelled.drain().size();
            Thread.sleep(100);
            assertThat(cancelled.drain()).isEmpty();
            assertThat(sizeAfter).isLessThan(40);
        }
    }

    @Test
    void statsCountWhatWasPrefilledAndSampledAndTheListenerHearsEveryFirstTokenAndStep() throws Exception {
        List<Long> firsts = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong sampled = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong maxKv = new java.util.concurrent.atomic.AtomicLong();
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 64, 512))) {
            s.setListener(new SchedulerStats.Listener() {
                @Override
                public void firstToken(long nanos) {
                    firsts.add(nanos);
                }

                @Override
                public void stepped(int sequences, int n, long nanos) {
                    assertThat(sequences).isBetween(1, 4);
                    assertThat(nanos).isPositive();
                    sampled.addAndGet(n);
                    maxKv.accumulateAndGet(s.stats().kvBytes(), Math::max);
                }
            });
            List<GenerationHandle> handles = new ArrayList<>();
            long promptTokens = 0;
            for (int i = 0; i < 6; i++) { // more than the batch holds: two wait in the queue
                int[] prompt = model.tokenizer().encode(PROMPTS[i], true, true);
                promptTokens += prompt.length;
                handles.add(s.submit("s" + i, prompt, params(i), new int[0]));
            }
            long tokens = 0;
            for (GenerationHandle h : handles) tokens += drainAll(h).size();
            for (int i = 0; i < 500 && s.stats().live() > 0; i++) Thread.sleep(10); // the step's bookkeeping ends after its emits
            SchedulerStats st = s.stats();
            assertThat(st.generated()).isEqualTo(tokens).isEqualTo(sampled.get());
            assertThat(st.prefilled()).isEqualTo(promptTokens);
            assertThat(firsts).hasSize(6).allMatch(n -> n > 0);
            assertThat(st.steps()).isGreaterThanOrEqualTo(tokens / 4);
            assertThat(st.maxBatch()).isEqualTo(4);
            assertThat(st.live()).isZero();
            assertThat(st.queued()).isZero();
            assertThat(st.kvBytes()).isZero();
            assertThat(maxKv.get()).isPositive();
            assertThat(st.batchOccupancy()).isBetween(0.0, 1.0);
        }
    }
}
