package dev.genstream.engine.generate;

import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Transformer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Perplexity as llama.cpp's {@code llama-perplexity} computes it, so the figures compare directly: the text's
 * tokens are cut into {@code tokens / nCtx} non-overlapping chunks of nCtx tokens (the rest is dropped); each
 * chunk is evaluated from an empty cache, its first token replaced by BOS when the model adds BOS; only the
 * predictions of the second half of the chunk are scored (positions nCtx/2 .. nCtx-2 predicting the next token),
 * so every scored token has at least nCtx/2 tokens of context. The error is the standard error of the mean
 * negative log-likelihood, carried to the perplexity: {@code ppl * sqrt((E[nll²] - E[nll]²) / (count - 1))}.
 */
public final class Perplexity {
    /** The state after a chunk: chunks done, tokens scored, running perplexity. */
    public record Progress(int chunk, int chunks, int scored, double ppl) {}

    public record Result(int chunks, int scored, double ppl, double error) {}

    private Perplexity() {}

    /** @param tokens the whole text, tokenized with BOS as the model adds it */
    public static Result compute(Transformer tf, int[] tokens, int nCtx, int nBatch, int bos, boolean addBos, Consumer<Progress> progress) {
        if (nCtx < 4) throw new IllegalArgumentException("context size must be at least 4, got " + nCtx);
        if (nBatch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + nBatch);
        int chunks = tokens.length / nCtx;
        if (tokens.length < 2 * nCtx) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens; perplexity at context " + nCtx
                    + " needs at least " + 2 * nCtx + " (two chunks), as llama-perplexity does");
        }
        int vocab = tf.config().vocabSize();
        int first = nCtx / 2;
        KvCache cache = tf.newCache(nCtx);
        double nll = 0, nll2 = 0;
        int count = 0;
        for (int c = 0; c < chunks; c++) {
            int[] chunk = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
            if (addBos) chunk[0] = bos;
            cache.truncate(0);
            for (int start = 0; start < nCtx; start += nBatch) {
                int end = Math.min(nCtx, start + nBatch);
                boolean needed = end > first;
                float[] logits = tf.forward(List.of(new Transformer.Step(cache, Arrays.copyOfRange(chunk, start, end), needed)))[0];
                if (!needed) continue;
                for (int row = Math.max(start, first); row < Math.min(end, nCtx - 1); row++) {
                    double lp = Scorer.logSoftmax(logits, (row - start) * vocab, vocab, chunk[row + 1]);
                    nll -= lp;
                    nll2 += lp * lp;
                    count++;
                }
            }
            progress.accept(new Progress(c + 1, chunks, count, Math.exp(nll / count)));
        }
        double mean = nll / count, mean2 = nll2 / count;
        double ppl = Math.exp(mean);
        double var = mean2 - mean * mean;
        double err = var > 0 ? ppl * Math.sqrt(var / (count - 1)) : 0;
        return new Result(chunks, count, ppl, err);
    }
}
