package dev.genstream.app.streams;

import dev.genstream.engine.generate.GenerationHandle;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.engine.sampling.TokenLogprob;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.FinishReason;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.Timings;
import dev.genstream.schemas.TokenEvent;
import dev.genstream.schemas.TopLogprob;
import dev.genstream.schemas.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The records a generation produces: its token events and its completion (shared by plain and conversation requests). */
public final class Replies {
    private Replies() {}

    public static TokenEvent tokenEvent(String id, TokenOutput t, Tokenizer tokenizer) {
        List<TopLogprob> top = null;
        if (!t.topLogprobs().isEmpty()) {
            top = new ArrayList<>();
            for (TokenLogprob tl : t.topLogprobs()) {
                top.add(new TopLogprob(tl.token(), tokenizer.decode(new int[] {tl.token()}), tl.logprob()));
            }
        }
        return TokenEvent.newBuilder().setRequestId(id).setIndex(t.index()).setTokenId(t.tokenId())
                .setText(t.text()).setLogprob(t.logprob()).setTopLogprobs(top).build();
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
