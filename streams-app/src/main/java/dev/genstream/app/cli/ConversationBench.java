package dev.genstream.app.cli;

import dev.genstream.engine.generate.GenerationHandle;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Scheduler;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench --conversation}: time to first token of the last turn of a conversation, prefix cache on vs off.
 * Turns 1..N-1 are generated through a scheduler with the cache on (as a service would answer them), each prompt the
 * text of every earlier turn and answer plus the new user text, re-tokenized as a chat template's rendering would
 * be. Turn N (a one-sentence user message) is then timed on that scheduler and on one without a cache; each run
 * ends its turn with a different sentence, so no run finds another's whole prompt.
 */
final class ConversationBench {
    private static final String[] SENTENCES = {
        "In the beginning God created the heaven and the earth.",
        "And the earth was without form, and void; and darkness was upon the face of the deep.",
        "And the Spirit of God moved upon the face of the waters.",
        "And God said, Let there be light: and there was light.",
        "And God saw the light, that it was good: and God divided the light from the darkness.",
        "And God called the light Day, and the darkness he called Night.",
        "And the evening and the morning were the first day.",
        "And God said, Let there be a firmament in the midst of the waters, and let it divide the waters from the waters.",
        "And God made the firmament, and divided the waters which were under the firmament from the waters which were above the firmament: and it was so.",
        "And God called the firmament Heaven.",
        "And God said, Let the waters under the heaven be gathered together unto one place, and let the dry land appear.",
        "And God called the dry land Earth; and the gathering together of the waters called he Seas: and God saw that it was good."};
    /** The service's default rows per forward pass (genstream.step.tokens). */
    private static final int STEP_TOKENS = 256;

    record Result(int turns, int historyTokens, int promptTokens, int cachedTokens, int answerTokens, double[] off, double[] on, boolean identical) {
        String text(String model, int threads) {
            return String.format(Locale.ROOT, "model: %s, threads: %d, conversation of %d turns (answers of up to %d tokens), medians of %d runs%n",
                    model, threads, turns, answerTokens, on.length)
                    + String.format(Locale.ROOT, "turn %d: %d prompt tokens (history %d), %d of them from the prefix cache%n",
                    turns, promptTokens, historyTokens, cachedTokens)
                    + String.format(Locale.ROOT, "time to first token: cache off %.1f ms (%.1f-%.1f), cache on %.1f ms (%.1f-%.1f): %.2fx faster%n",
                    BenchResult.median(off), min(off), max(off), BenchResult.median(on), min(on), max(on), ratio())
                    + "first token and logprob bits identical on and off: " + (identical ? "yes" : "NO");
        }

        String json(String model, int threads) {
            return String.format(Locale.ROOT, "{\"model\":\"%s\",\"threads\":%d,\"turns\":%d,\"history_tokens\":%d,\"prompt_tokens\":%d,"
                            + "\"cached_tokens\":%d,\"answer_tokens\":%d,\"ttft_off_ms\":%.4g,\"ttft_on_ms\":%.4g,\"ttft_ratio\":%.4g,"
                            + "\"ttft_off_runs\":%s,\"ttft_on_runs\":%s,\"identical\":%b}",
                    model.replace("\\", "\\\\").replace("\"", "\\\""), threads, turns, historyTokens, promptTokens, cachedTokens,
                    answerTokens, BenchResult.median(off), BenchResult.median(on), ratio(), arr(off), arr(on), identical);
        }

        double ratio() {
            return BenchResult.median(off) / BenchResult.median(on);
        }
    }

    private final Model model;
    private final int turns, historyTokens, answerTokens, repeat, contextSize;
    private final long cacheBytes;

    ConversationBench(Model model, int turns, int historyTokens, int answerTokens, int repeat, long cacheBytes) {
        this.model = model;
        this.turns = turns;
        this.historyTokens = historyTokens;
        this.answerTokens = answerTokens;
        this.repeat = repeat;
        this.cacheBytes = cacheBytes;
        this.contextSize = model.contextSize();
    }

    Result run() throws InterruptedException {
        GenerationParams answer = new GenerationParams(SamplingParams.greedy(), answerTokens, List.of());
        GenerationParams first = new GenerationParams(SamplingParams.greedy().withLogprobs(1), 1, List.of());
        StringBuilder history = new StringBuilder();
        double[] on = new double[repeat], off = new double[repeat];
        List<TokenOutput> onFirst = new ArrayList<>(), offFirst = new ArrayList<>();
        int cached = Integer.MAX_VALUE, promptTokens = 0;
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(1, STEP_TOKENS, contextSize, cacheBytes))) {
            for (int t = 1; t < turns; t++) {
                int perTurn = (historyTokens - encode(history.toString()).length) / (turns - t) - answerTokens;
                String prompt = history + turn(userText(t, Math.max(perTurn, 8)));
                int[] ids = encode(prompt);
                GenerationHandle h = finish(s.submit("turn-" + t, ids, answer, new int[0]));
                System.err.printf(Locale.ROOT, "turn %d: %d prompt tokens, %d from the prefix cache, first token after %.0f ms%n",
                        t, ids.length, h.cachedTokens(), ttftMs(h));
                history.setLength(0);
                history.append(prompt).append(h.text()).append('\n');
            }
            for (int r = 0; r < repeat; r++) {
                int[] ids = encode(history + turn(SENTENCES[r % SENTENCES.length]));
                GenerationHandle h = finish(s.submit("last-" + r, ids, first, new int[0]));
                on[r] = ttftMs(h);
                onFirst.addAll(h.drain());
                cached = Math.min(cached, h.cachedTokens()); // a later run may also share the start of an earlier last turn
                promptTokens = ids.length;
            }
        }
        try (Scheduler s = new Scheduler(model, new Scheduler.Limits(1, STEP_TOKENS, contextSize, 0))) {
            for (int r = 0; r < repeat; r++) {
                GenerationHandle h = finish(s.submit("last-" + r, encode(history + turn(SENTENCES[r % SENTENCES.length])), first, new int[0]));
                off[r] = ttftMs(h);
                offFirst.addAll(h.drain());
            }
        }
        return new Result(turns, encode(history.toString()).length, promptTokens, cached, answerTokens, off, on, onFirst.equals(offFirst));
    }

    private static String turn(String user) {
        return "User: " + user + "\nAssistant:";
    }

    /** Sentences from the t-th on, until there are at least {@code tokens} tokens. */
    private String userText(int t, int tokens) {
        StringBuilder b = new StringBuilder();
        for (int i = 3 * t; b.isEmpty() || encode(b.toString()).length < tokens; i++) {
            if (!b.isEmpty()) b.append(' ');
            b.append(SENTENCES[i % SENTENCES.length]);
        }
        return b.toString();
    }

    private int[] encode(String text) {
        int[] ids = model.tokenizer().encode(text, true, false);
        if (ids.length + answerTokens >= contextSize) {
            throw new IllegalArgumentException("the conversation reaches " + ids.length + " tokens, past the context size of "
                    + contextSize + " with its answer; lower --history-tokens or raise --ctx-size");
        }
        return ids;
    }

    private static GenerationHandle finish(GenerationHandle h) throws InterruptedException {
        while (h.finishReason() == null && h.failure() == null) Thread.sleep(1);
        if (h.failure() != null) throw new IllegalStateException("generation failed: " + h.failure().getMessage(), h.failure());
        return h;
    }

    private static double ttftMs(GenerationHandle h) {
        GenerationHandle.Timings t = h.timings();
        return (t.firstToken() - t.submitted()) / 1e6;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
    }

    private static String arr(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.4g", v[i]));
        return b.append(']').toString();
    }
}
