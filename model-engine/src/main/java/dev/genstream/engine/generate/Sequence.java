package dev.genstream.engine.generate;

import dev.genstream.engine.constrain.GrammarMatcher;
import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.sampling.SampleResult;
import dev.genstream.engine.sampling.Sampler;
import dev.genstream.engine.tokenizer.StreamingDecoder;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * One generation in progress: its tokens, KV cache, sampler and stop state. A scheduler asks it for its next
 * batch {@link #step()}, runs the forward pass, and hands the logits back to {@link #accept(float[])}.
 */
public final class Sequence {
    private final GenerationParams params;
    private final KvCache cache;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StopMatcher stop;
    private final Tokenizer tokenizer;
    private final GrammarMatcher grammar;
    private final int promptLength;
    private int[] tokens;
    private int length;
    private int[] pending;
    private int stepped;
    private FinishReason finish;
    private final StringBuilder text = new StringBuilder();

    public Sequence(Tokenizer tokenizer, int[] prompt, GenerationParams params, KvCache cache) {
        this(tokenizer, prompt, params, cache, new int[0]);
    }

    /**
     * A sequence that resumes after {@code committed} tokens were already generated (and delivered) by an earlier
     * run: prompt and committed tokens are prefilled, and the committed tokens are replayed through the detokenizer
     * and stop matcher so their state, the text so far and the next sampling index equal an uninterrupted run's.
     */
    public Sequence(Tokenizer tokenizer, int[] prompt, GenerationParams params, KvCache cache, int[] committed) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        if (prompt.length + committed.length >= cache.capacity()) {
            throw new IllegalArgumentException("the prompt has " + (prompt.length + committed.length)
                    + " tokens but the context holds " + cache.capacity() + " (one more is needed to generate)");
        }
        this.params = params;
        this.cache = cache;
        this.sampler = new Sampler(params.sampling());
        this.decoder = tokenizer.streamingDecoder();
        this.stop = new StopMatcher(params.stop());
        this.tokenizer = tokenizer;
        this.grammar = params.grammar() == null ? null : new GrammarMatcher(params.grammar(), tokenizer);
        this.promptLength = prompt.length;
        this.tokens = Arrays.copyOf(prompt, prompt.length + committed.length + Math.min(params.maxTokens(), 1024));
        this.length = prompt.length;
        for (int t : committed) {
            if (grammar != null) grammar.accept(t, tokenizer.tokenBytes(t), false);
            append(t);
            text.append(stop.push(decoder.feed(t)));
        }
        this.pending = Arrays.copyOf(tokens, length);
    }

    /** The tokens to run through the model next: the prompt first, then each sampled token. */
    public Transformer.Step step() {
        return step(Integer.MAX_VALUE);
    }

    /** At most {@code maxTokens} of the pending tokens, so a long prompt can be prefilled in chunks. */
    public Transformer.Step step(int maxTokens) {
        if (finish != null) throw new IllegalStateException("the sequence has finished");
        int n = Math.min(maxTokens, pending.length);
        stepped = n;
        return new Transformer.Step(cache, n == pending.length ? pending : Arrays.copyOf(pending, n));
    }

    /** Bytes of KV cache this sequence holds. */
    public long kvBytes() {
        return cache.bytes();
    }

    /** Tokens still waiting to be run through the model (a prompt not yet fully prefilled, or the last sample). */
    public int pendingTokens() {
        return pending.length;
    }

    /**
     * Takes the logits of the last step. While prompt chunks remain this only advances and returns null; otherwise
     * it samples the next token and advances the stop, length and text state.
     */
    public TokenOutput accept(float[] logits) {
        if (stepped < pending.length) {
            pending = Arrays.copyOfRange(pending, stepped, pending.length);
            return null;
        }
        int index = generated();
        if (grammar != null) grammar.budget(Math.min(params.maxTokens() - index, cache.capacity() - length));
        SampleResult r = sampler.sample(logits, tokens, length, index, grammar);
        if (tokenizer.isEndOfGeneration(r.token()) || params.endTokens().contains(r.token())) {
            finish = FinishReason.EOS;
            return new TokenOutput(index, r.token(), release(stop.push(decoder.flush()) + stop.flush()), r.logprob(), r.topLogprobs());
        }
        if (grammar != null) grammar.accept(r.token(), tokenizer.tokenBytes(r.token()), false);
        append(r.token());
        String released = stop.push(decoder.feed(r.token()));
        boolean full = generated() >= params.maxTokens() || length >= cache.capacity();
        if (stop.stopped()) {
            finish = FinishReason.STOP;
        } else if (grammar != null && grammar.complete() && (full || !grammar.canContinue())) {
            finish = FinishReason.STOP; // the match is whole: nothing may follow, or no room is left to extend it
            released += stop.push(decoder.flush()) + stop.flush();
        } else if (full) {
            finish = FinishReason.LENGTH;
            released += stop.push(decoder.flush()) + stop.flush();
        }
        pending = new int[] {r.token()};
        return new TokenOutput(index, r.token(), release(released), r.logprob(), r.topLogprobs());
    }

    private String release(String s) {
        text.append(s);
        return s;
    }

    private void append(int token) {
        if (length == tokens.length) tokens = Arrays.copyOf(tokens, tokens.length * 2);
        tokens[length++] = token;
    }

    /**
     * True when generation ran out of tokens or context before its natural end: with a grammar, the text is then
     * not a complete match (a complete one finishes as {@code stop}).
     */
    public boolean incomplete() {
        return finish == FinishReason.LENGTH;
    }

    public boolean finished() {
        return finish != null;
    }

    public FinishReason finishReason() {
        return finish;
    }

    public int promptLength() {
        return promptLength;
    }

    /** Tokens generated so far (an end-of-generation token is not counted). */
    public int generated() {
        return length - promptLength;
    }

    public int[] generatedTokens() {
        return Arrays.copyOfRange(tokens, promptLength, length);
    }

    /** The released text so far; the whole completion once finished. */
    public String text() {
        return text.toString();
    }

    /**
     * Takes the longest cached run of this sequence's context from {@code prefixes} before its first step, leaving
     * at least one token to run (its logits give the next sample), and returns the positions reused.
     */
    int restorePrefix(PrefixCache prefixes) {
        if (cache.length() != 0) throw new IllegalStateException("the sequence has already started");
        int n = prefixes.restore(pending, pending.length - 1, cache);
        if (n > 0) pending = Arrays.copyOfRange(pending, n, pending.length);
        return n;
    }

    /** Offers the tokens whose keys and values the cache holds (all but a last sample not yet run) to {@code prefixes}. */
    void storePrefix(PrefixCache prefixes) {
        if (cache.length() > 0) prefixes.store(Arrays.copyOf(tokens, cache.length()), cache);
    }
}
