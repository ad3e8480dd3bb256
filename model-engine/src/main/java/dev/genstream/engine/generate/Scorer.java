package dev.genstream.engine.generate;

import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.sampling.TokenLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores text instead of generating it: one teacher-forced pass over prompt + continuation, and the model's
 * log-probability of each continuation token given everything before it (natural log, raw log-softmax, as
 * {@code logits} gives and as sampling reports).
 */
public final class Scorer {
    /** One scored token: its logprob and the {@code topN} most likely tokens at that position. */
    public record TokenScore(int token, double logprob, List<TokenLogprob> top) {}

    /** The scores of a continuation. */
    public record Score(double totalLogprob, List<TokenScore> tokens) {
        public int tokenCount() {
            return tokens.size();
        }

        /** exp(-mean logprob): 1 means every token was certain. */
        public double perplexity() {
            return Math.exp(-totalLogprob / tokens.size());
        }
    }

    private final Transformer transformer;
    private final int vocab;

    public Scorer(Transformer transformer) {
        this.transformer = transformer;
        this.vocab = transformer.config().vocabSize();
    }

    /**
     * @param prompt       at least one token (e.g. BOS); it conditions but is not scored
     * @param continuation the scored tokens, at least one
     * @param batchSize    most tokens per forward pass (memory: batchSize x vocab floats of logits)
     */
    public Score score(int[] prompt, int[] continuation, int topN, int batchSize) {
        if (prompt.length == 0) throw new IllegalArgumentException("scoring needs at least one prompt token (e.g. BOS) to condition on");
        if (continuation.length == 0) throw new IllegalArgumentException("the continuation has no tokens");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        int n = prompt.length + continuation.length;
        int[] all = new int[n];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
        KvCache cache = transformer.newCache(n);
        List<TokenScore> out = new ArrayList<>(continuation.length);
        double total = 0;
        int first = prompt.length - 1; // the row whose logits predict the first continuation token
        for (int start = 0; start < n - 1; start += batchSize) {
            int end = Math.min(n - 1, start + batchSize);
            int[] chunk = java.util.Arrays.copyOfRange(all, start, end);
            boolean needed = end > first;
            float[] logits = transformer.forward(List.of(new Transformer.Step(cache, chunk, needed)))[0];
            if (!needed) continue;
            for (int row = Math.max(start, first); row < end; row++) {
                int token = all[row + 1];
                int off = (row - start) * vocab;
                double lp = logSoftmax(logits, off, vocab, token);
                total += lp;
                out.add(new TokenScore(token, lp, topN > 0 ? top(logits, off, vocab, topN) : List.of()));
            }
        }
        return new Score(total, List.copyOf(out));
    }

    /** {@code logits[off + token]}'s log-softmax over {@code logits[off, off + vocab)}, summed in double. */
    public static double logSoftmax(float[] logits, int off, int vocab, int token) {
        return logits[off + token] - max(logits, off, vocab) - logSumExpShifted(logits, off, vocab);
    }

    private static float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) m = Math.max(m, x[i]);
        return m;
    }

    /** log Σ exp(x - max). */
    private static double logSumExpShifted(float[] x, int off, int n) {
        float m = max(x, off, n);
        double s = 0;
        for (int i = off; i < off + n; i++) s += Math.exp((double) x[i] - m);
        return Math.log(s);
    }

    /** The n most likely tokens, descending, ties to the lower id. */
    private static List<TokenLogprob> top(float[] x, int off, int vocab, int n) {
        n = Math.min(n, vocab);
        int[] ids = new int[n];
        int count = 0;
        for (int i = 0; i < vocab; i++) {
            float v = x[off + i];
            if (count == n && v <= x[off + ids[n - 1]]) continue;
            int p = count < n ? count++ : n - 1;
            while (p > 0 && x[off + ids[p - 1]] < v) {
                ids[p] = ids[p - 1];
                p--;
            }
            ids[p] = i;
        }
        float m = max(x, off, vocab);
        double lse = logSumExpShifted(x, off, vocab);
        List<TokenLogprob> out = new ArrayList<>(n);
        for (int id : ids) out.add(new TokenLogprob(id, x[off + id] - m - lse));
        return out;
    }
}
