package dev.genstream.engine.generate;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs generations to completion, all live sequences in one forward pass per step. */
public final class Generator {
    /** The outcome of one generation, with the counts and timings a stats line needs. */
    public record Result(String text, FinishReason finishReason, int[] tokens, int promptTokens, int reusedTokens, long prefillNanos, long decodeNanos) {
        /** The prompt tokens actually run (not taken from the prefix cache), over the time to the first token. */
        public double prefillTokensPerSecond() {
            return prefillNanos == 0 ? 0 : (promptTokens - reusedTokens) * 1e9 / prefillNanos;
        }

        /** Ran out of tokens or context before the natural end (with a grammar: not a complete match). */
        public boolean incomplete() {
            return finishReason == FinishReason.LENGTH;
        }

        /** Tokens sampled after the first, over the time spent producing them. */
        public double decodeTokensPerSecond() {
            return decodeNanos == 0 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
        }
    }

    private final Model model;
    private final Tokenizer tokenizer;
    private final int contextSize;
    private final PrefixCache prefixes;

    public Generator(Model model, Tokenizer tokenizer, int contextSize) {
        this(model, tokenizer, contextSize, 0);
    }

    /**
     * With {@code prefixCacheBytes} > 0, {@link #generate} keeps each finished context in a {@link PrefixCache} and
     * starts a prompt from its longest cached prefix: a chat's next turn prefills only its new tokens. Output is
     * unchanged (the cached keys and values are the bits a prefill computes). Off for sliding-window models, whose
     * ring caches hold only the window.
     */
    public Generator(Model model, Tokenizer tokenizer, int contextSize, long prefixCacheBytes) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.contextSize = contextSize;
        this.prefixes = prefixCacheBytes > 0 && !model.config().hasSlidingLayers() ? new PrefixCache(prefixCacheBytes) : null;
    }

    public Sequence newSequence(int[] prompt, GenerationParams params) {
        return new Sequence(tokenizer, prompt, params, model.transformer().newCache(contextSize));
    }

    /** Generates from one prompt, handing each token to {@code onToken} as it is sampled. */
    public Result generate(int[] prompt, GenerationParams params, Consumer<TokenOutput> onToken) {
        Sequence seq = newSequence(prompt, params);
        int reused = prefixes != null ? seq.restorePrefix(prefixes) : 0;
        long start = System.nanoTime();
        long firstToken = 0;
        while (!seq.finished()) {
            float[] logits = model.transformer().forward(List.of(seq.step()))[0];
            TokenOutput out = seq.accept(logits);
            if (firstToken == 0) firstToken = System.nanoTime();
            onToken.accept(out);
        }
        long end = System.nanoTime();
        if (prefixes != null) seq.storePrefix(prefixes);
        return new Result(seq.text(), seq.finishReason(), seq.generatedTokens(), prompt.length, reused, firstToken - start, end - firstToken);
    }

    /**
     * Steps every sequence together until all have finished: one forward pass per step for all that are live,
     * so weights are read once per step for the whole batch.
     */
    public void runBatch(List<Sequence> sequences, List<Consumer<TokenOutput>> listeners) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) if (!sequences.get(i).finished()) live.add(i);
        while (!live.isEmpty()) {
            List<Transformer.Step> steps = new ArrayList<>(live.size());
            for (int i : live) steps.add(sequences.get(i).step());
            float[][] logits = model.transformer().forward(steps);
            TokenOutput[] outs = Sampling.acceptAll(model.parallel(), live, sequences::get, logits);
            for (int j = 0; j < live.size(); j++) listeners.get(live.get(j)).accept(outs[j]);
            live.removeIf(i -> sequences.get(i).finished());
        }
    }
}
