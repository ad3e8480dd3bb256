package dev.genstream.app.streams;

import dev.genstream.engine.generate.GenerationHandle;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.engine.sampling.TokenLogprob;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.FinishReason;
import dev.genstream.schemas.GroupedToken;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.Timings;
import dev.genstream.schemas.TokenEvent;
import dev.genstream.schemas.TopLogprob;
import dev.genstream.schemas.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The records a generation produces: its token events and its completion (shared by plain and conversation requests). */
public final class Replies {
    private Replies() {}

    /** The token events of one delivery round, as the request asked: none, one per token, or one for the round. */
    public static void tokenEvents(String id, List<TokenOutput> outs, PromptValidator.Accepted a, Tokenizer tokenizer,
                                   Consumer<TokenEvent> out) {
        if (!a.emitTokens() || outs.isEmpty()) return;
        if (a.groupTokens()) {
            out.accept(tokenGroup(id, outs, tokenizer));
        } else {
            for (TokenOutput t : outs) out.accept(tokenEvent(id, t, tokenizer));
        }
    }

    // The constructors, not the builders: a builder validates and copies every field of every token.
    public static TokenEvent tokenEvent(String id, TokenOutput t, Tokenizer tokenizer) {
        return new TokenEvent(id, t.index(), t.tokenId(), t.text(), t.logprob(), top(t, tokenizer), null);
    }

    /** One event for consecutive tokens: the first's index and id, their texts joined, their logprobs summed. */
    static TokenEvent tokenGroup(String id, List<TokenOutput> outs, Tokenizer tokenizer) {
        List<GroupedToken> group = new ArrayList<>(outs.size());
        StringBuilder text = new StringBuilder();
        double logprob = 0;
        for (TokenOutput t : outs) {
            group.add(new GroupedToken(t.tokenId(), t.text(), t.logprob(), top(t, tokenizer)));
            text.append(t.text());
            logprob += t.logprob();
        }
        TokenOutput first = outs.getFirst();
        return new TokenEvent(id, first.index(), first.tokenId(), text.toString(), logprob, null, group);
    }

    private static List<TopLogprob> top(TokenOutput t, Tokenizer tokenizer) {
        if (t.topLogprobs().isEmpty()) return null;
        List<TopLogprob> top = new ArrayList<>(t.topLogprobs().size());
        for (TokenLogprob tl : t.topLogprobs()) top.add(new TopLogprob(tl.token(), tokenizer.decode(new int[] {tl.token()}), tl.logprob()));
        return top;
    }

    /** The completion of request {@code r}, whose generated ids are {@code tokens}. */
    public static Completion completion(ModelService service, PromptRequest r, int[] tokens, GenerationHandle h, PromptValidator.Accepted a) {
        GenerationHandle.Timings t = h.timings();
        return Completion.newBuilder()
                .setRequestId(r.getRequestId())
                .setConversationId(r.getConversationId())
                .setModel(service.alias())
                .setModelFingerprint(service.fingerprint())
                .setSeed(a.seed())
                .setText(h.text())
                .setFinishReason(FinishReason.valueOf(h.finishReason().wireName()))
                .setUsage(new Usage(a.promptIds().length, tokens.length, Math.min(h.cachedTokens(), a.promptIds().length)))
                .setTimings(new Timings(ms(t.started() - t.submitted()), ms(t.firstToken() - t.started()),
                        ms(t.finished() - t.firstToken()), ms(t.firstToken() - t.submitted())))
                .setMetadata(r.getMetadata())
                .setCompletedAt(Instant.now())
                .setTokenIds(java.util.Arrays.stream(tokens).boxed().toList())
                .setIncomplete(h.finishReason() == dev.genstream.engine.generate.FinishReason.LENGTH)
                .build();
    }

    private static long ms(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }
}
