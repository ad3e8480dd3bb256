package dev.genstream.engine.generate;

import static dev.genstream.engine.generate.SchedulerTest.drainAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.sampling.TokenLogprob;
import dev.genstream.engine.testing.BundledModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the prefix cache on, every request gets bit for bit what it gets with it off: the same token ids and the same
 * logprob bits, whether it hit, missed after an eviction, or resumed after committed tokens. Each test also checks
 * that the cache was really used, so it cannot pass by never hitting.
 */
@Timeout(300)
class PrefixCacheSchedulerTest {
    static final String[] TURNS = {
        "And God said, Let there be light: and there was light.", " And the evening and the morning were the first day.",
        " Then Peter said unto them,", " And the LORD spake unto Moses, saying,", " Blessed are the meek: for they",
        " In my Father's house are many mansions:"};
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(BundledModel.path(), 2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationParams greedy() {
        return new GenerationParams(SamplingParams.greedy().withLogprobs(2), 12, List.of());
    }

    static GenerationParams sampled(int seed) {
        return new GenerationParams(SamplingParams.defaults().withSeed(seed).withTemperature(1.1).withLogprobs(3), 12, List.of());
    }

    static int[] tokens(String text, boolean bos) {
        return model.tokenizer().encode(text, bos, true);
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /** One answered request: its outputs and how many context tokens came from the cache. */
    record Answer(List<TokenOutput> outputs, int cached, int contextTokens) {
        int[] ids() {
            return outputs.stream().filter(t -> !model.tokenizer().isEndOfGeneration(t.tokenId())).mapToInt(TokenOutput::tokenId).toArray();
        }
    }

    /**
     * Conversations at the token level, turns interleaved across them in {@code order} (a conversation index per
     * request): each turn's prompt is the previous prompt, its answer and the next user text.
     */
    static List<Answer> converse(Scheduler s, int[] order, GenerationParams p) throws InterruptedException {
        List<Answer> answers = new ArrayList<>();
        int conversations = Arrays.stream(order).max().orElse(0) + 1;
        int[][] history = new int[conversations][0];
        int[] turn = new int[conversations];
        for (int c : order) {
            String user = (c == 0 ? "" : "Chapter " + c + ". ") + TURNS[turn[c]++ % TURNS.length];
            int[] prompt = concat(history[c], tokens(user, history[c].length == 0));
            GenerationHandle h = s.submit("c" + c + "-" + turn[c], prompt, p, new int[0]);
            Answer a = new Answer(drainAll(h), h.cachedTokens(), prompt.length);
            answers.add(a);
            history[c] = concat(prompt, a.ids());
        }
        return answers;
    }

    /** Equal records, and the logprob bits spelled out (record equality on doubles is already bitwise). */
    static void assertBitIdentical(List<Answer> on, List<Answer> off) {
        assertThat(on).hasSameSizeAs(off);
        for (int i = 0; i < on.size(); i++) {
            List<TokenOutput> a = on.get(i).outputs(), b = off.get(i).outputs();
            assertThat(a).as("request %d", i).isEqualTo(b).isNotEmpty();
            for (int j = 0; j < a.size(); j++) {
                assertThat(Double.doubleToRawLongBits(a.get(j).logprob())).isEqualTo(Double.doubleToRawLongBits(b.get(j).logprob()));
                List<TokenLogprob> ta = a.get(j).topLogprobs(), tb = b.get(j).topLogprobs();
                for (int k = 0; k < ta.size(); k++) {
                    assertThat(Double.doubleToRawLongBits(ta.get(k).logprob())).isEqualTo(Double.doubleToRawLongBits(tb.get(k).logprob()));
                }
            }
        }
    }

    static List<Answer> run(long prefixBytes, int[] order, GenerationParams p) throws InterruptedException {
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 48, 512, prefixBytes))) {
            return converse(s, order, p);
        }
    }

    @Test
    void aConversationGetsTheSameTokensWithTheCacheOnAndOffGreedyAndSampled() throws Exception {
        int[] order = {0, 0, 0, 0, 0, 0};
        for (GenerationParams p : List.of(greedy(), sampled(5))) {
            List<Answer> off = run(0, order, p);
            List<Answer> on = run(64L << 20, order, p);
            assertBitIdentical(on, off);
            assertThat(on.get(0).cached()).isZero();
            for (int t = 1; t < on.size(); t++) {
                // The whole previous context (prompt and answer, but a last sample never run) came from the cache.
                Answer prev = on.get(t - 1);
                assertThat(on.get(t).cached()).as("turn %d", t + 1).isGreaterThanOrEqualTo(prev.contextTokens() + prev.ids().length - 1);
            }
            assertThat(off).allSatisfy(a -> assertThat(a.cached()).isZero());
        }
    }

    @Test
    void anF16CacheIsCopiedAsItsOwnHalfPrecisionBits() throws Exception {
        Model half = Model.load(BundledModel.path(), 2, 0, dev.genstream.engine.model.KvType.F16);
        Model saved = model;
        try {
            model = half;
            int[] order = {0, 0, 0, 0};
            List<Answer> off = run(0, order, sampled(9));
            List<Answer> on = run(64L << 20, order, sampled(9));
            assertBitIdentical(on, off);
            assertThat(on.get(3).cached()).isPositive();
        } finally {
            model = saved;
            half.close();
        }
    }

    @Test
    void aSlidingWindowModelRunsWithoutAPrefixCache() {
        try (Model gemma = Model.load(dev.genstream.engine.testing.SharedData.require("models/rand-gemma3/rand-gemma3.f32.gguf"), 1);
             Scheduler s = new Scheduler(gemma, new Scheduler.Limits(2, 32, 256, 64L << 20))) {
            assertThat(gemma.config().hasSlidingLayers()).isTrue();
            assertThat(s.prefixCacheStats()).isNull();
        }
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(2, 32, 256, 64L << 20))) {
            assertThat(s.prefixCacheStats()).isNotNull();
        }
    }

    @Test
    void evictionsUnderATinyBudgetChangeNothing() throws Exception {
        long perToken = model.transformer().newCache(1).bytesPerPosition() + Integer.BYTES;
        int[] order = {0, 0, 1, 0, 2, 1, 0, 0, 2};
        for (GenerationParams p : List.of(greedy(), sampled(9))) {
            List<Answer> off = run(0, order, p);
            try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 48, 512, 100 * perToken))) {
                List<Answer> on = converse(s, order, p);
                assertBitIdentical(on, off);
                PrefixCache.Stats stats = s.prefixCacheStats();
                assertThat(stats.evictions()).isPositive();
                assertThat(stats.hits()).isPositive();
                assertThat(stats.bytes()).isLessThanOrEqualTo(100 * perToken);
                assertThat(on.get(1).cached()).isPositive(); // a hit before any eviction
            }
        }
    }

    @Test
    void requestsSharingASystemPromptHitItWhileBatchedTogether() throws Exception {
        int[] system = tokens("And God said, Let us make man in our image, after our likeness: and let them have dominion.", true);
        List<int[]> prompts = IntStream.range(0, 6).mapToObj(i -> concat(system, tokens(TURNS[i], false))).toList();
        List<List<TokenOutput>> off = new ArrayList<>(), on = new ArrayList<>();
        List<Integer> cached = new ArrayList<>();
        for (long bytes : new long[] {0, 64L << 20}) {
            try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 48, 512, bytes))) {
                List<GenerationHandle> hs = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++) {
                    hs.add(s.submit("bulk-" + i, prompts.get(i), sampled(100 + i), new int[0]));
                    if (i == 0) drainAll(hs.get(0)); // the first one leaves its prompt behind
                }
                for (GenerationHandle h : hs) {
                    (bytes == 0 ? off : on).add(drainAll(h));
                    if (bytes > 0) cached.add(h.cachedTokens());
                }
            }
        }
        assertThat(on).isEqualTo(off);
        for (int i = 1; i < cached.size(); i++) assertThat(cached.get(i)).as("request %d", i).isGreaterThanOrEqualTo(system.length - 1);
    }

    @Test
    void aResumedRequestHitsItsOwnEarlierRunAndContinuesExactly() throws Exception {
        int[] prompt = tokens("And the LORD said unto Moses,", true);
        GenerationParams p = new GenerationParams(SamplingParams.defaults().withSeed(77).withTemperature(1.2).withLogprobs(2), 40, List.of());
        List<TokenOutput> full;
        try (Scheduler off = new Scheduler(model, new Scheduler.Limits(4, 32, 512))) {
            full = drainAll(off.submit("uncached", prompt, p, new int[0]));
        }
        assertThat(full).hasSize(40);
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(4, 32, 512, 64L << 20))) {
            assertThat(drainAll(s.submit("first", prompt, p, new int[0]))).isEqualTo(full);
            for (int k : new int[] {39, 13, 1}) {
                int[] committed = full.subList(0, k).stream().mapToInt(TokenOutput::tokenId).toArray();
                GenerationHandle h = s.submit("resume-" + k, prompt, p, committed);
                assertThat(drainAll(h)).as("resumed after %d", k).isEqualTo(full.subList(k, full.size()));
                assertThat(h.cachedTokens()).isEqualTo(prompt.length + k - 1); // all but the one token that must run
            }
        }
    }
}
