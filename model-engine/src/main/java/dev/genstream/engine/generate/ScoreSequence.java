package dev.genstream.engine.generate;

import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One scoring in progress: prompt + continuation fed through the model in chunks (a scheduler batches them with
 * other work), each chunk's logits turned into the logprobs of the continuation tokens it predicts.
 */
final class ScoreSequence {
    private final int[] all;
    private final int first;
    private final int topN;
    private final KvCache cache;
    private final List<Scorer.TokenScore> scores;
    private int pos, end;
    private double total;

    ScoreSequence(int[] prompt, int[] continuation, int topN, KvCache cache) {
        if (prompt.length == 0) throw new IllegalArgumentException("scoring needs at least one prompt token (e.g. BOS) to condition on");
        if (continuation.length == 0) throw new IllegalArgumentException("the continuation has no tokens");
        if (prompt.length + continuation.length > cache.capacity()) {
            throw new IllegalArgumentException("prompt and continuation have " + (prompt.length + continuation.length)
                    + " tokens; the context holds " + cache.capacity());
        }
        this.all = Arrays.copyOf(prompt, prompt.length + continuation.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
        this.first = prompt.length - 1;
        this.topN = topN;
        this.cache = cache;
        this.scores = new ArrayList<>(continuation.length);
    }

    /** The next chunk, at most {@code maxTokens}; it asks for every row's logits once it reaches the continuation. */
    Transformer.Step step(int maxTokens) {
        end = Math.min(all.length - 1, pos + maxTokens);
        return new Transformer.Step(cache, Arrays.copyOfRange(all, pos, end), end > first);
    }

    int pendingTokens() {
        return all.length - 1 - pos;
    }

    void accept(float[] logits) {
        if (end > first) {
            int vocab = logits.length / (end - pos);
            for (int row = Math.max(pos, first); row < end; row++) {
                int off = (row - pos) * vocab;
                int token = all[row + 1];
                double lp = Scorer.logSoftmax(logits, off, vocab, token);
                total += lp;
                scores.add(new Scorer.TokenScore(token, lp, topN > 0 ? Scorer.top(logits, off, vocab, topN) : List.of()));
            }
        }
        pos = end;
    }

    boolean finished() {
        return pos >= all.length - 1;
    }

    Scorer.Score result() {
        return new Scorer.Score(total, List.copyOf(scores));
    }
}
