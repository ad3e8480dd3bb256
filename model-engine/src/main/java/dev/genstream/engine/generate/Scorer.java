package dev.genstream.engine.generate;

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

    public Scorer(Transformer transformer) {
        this.transformer = transformer;
    }

    /**
     * @param prompt       at least one token (e.g. BOS); it conditions but is not scored
     * @param continuation the scored tokens, at least one
     * @param batchSize    most tokens per forward pass (memory: batchSize x vocab floats of logits)
     */
    public Score score(int[] prompt, int[] continuation, int topN, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        ScoreSequence s = new ScoreSequence(prompt, continuation, topN, transformer.newCache(prompt.length + continuation.length));
        while (!s.finished()) s.accept(transformer.forward(List.of(s.step(batchSize)))[0]);
        return s.result();
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
    static List<TokenLogprob> top(float[] x, int off, int vocab, int n) {
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
