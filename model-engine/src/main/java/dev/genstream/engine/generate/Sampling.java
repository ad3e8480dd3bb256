package dev.genstream.engine.generate;

import dev.genstream.engine.kernels.Parallel;
import java.util.List;
import java.util.function.Function;

/**
 * A batch's sampling on the kernel pool rather than serially on the scheduler thread: a 128k-vocabulary sampler
 * costs about a millisecond per sequence. Each sequence's sampler, detokenizer and stop state are its own and depend
 * on nothing else, so which thread samples it changes no result; outputs come back in batch order.
 */
final class Sampling {
    private Sampling() {}

    /** {@code seqOf(items[i]).accept(logits[i])} for every i, on the pool; the outputs in the same order. */
    static <T> TokenOutput[] acceptAll(Parallel pool, List<T> items, Function<T, Sequence> seqOf, float[][] logits) {
        TokenOutput[] out = new TokenOutput[items.size()];
        pool.forRange(items.size(), (from, to) -> {
            for (int i = from; i < to; i++) out[i] = seqOf.apply(items.get(i)).accept(logits[i]);
        });
        return out;
    }
}
