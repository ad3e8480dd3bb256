package dev.genstream.app.registry;

import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.FinishReason;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.Timings;
import dev.genstream.schemas.TokenEvent;
import dev.genstream.schemas.TopLogprob;
import dev.genstream.schemas.Usage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Fully populated sample events. */
final class Samples {
    static final Instant T0 = Instant.ofEpochMilli(1_763_884_800_123L);

    private Samples() {
    }

    static String topic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static PromptRequest prompt(String id) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setConversationId("c-" + id)
                .setPrompt("In the beginning")
                .setMessages(List.of(new ChatMessage("user", "Say grace ✝ ünïcode")))
                .setModel("kjv")
                .setParams(GenerationParams.newBuilder().setMaxTokens(16).setSeed(42L).setStop(List.of("\n")).build())
                .setMetadata(Map.of("tenant", "t1"))
                .setCreatedAt(T0)
                .build();
    }

    static TokenEvent token() {
        return TokenEvent.newBuilder().setRequestId("r1").setIndex(3).setTokenId(261).setText(" the")
                .setLogprob(-0.25)
                .setTopLogprobs(List.of(new TopLogprob(261, " the", -0.25), new TopLogprob(7, " a", -1.5)))
                .build();
    }

    static Completion completion() {
        return Completion.newBuilder().setRequestId("r1").setConversationId(null).setModel("kjv")
                .setModelFingerprint("ab".repeat(32)).setSeed(42L).setText(" of the world")
                .setFinishReason(FinishReason.length).setUsage(new Usage(7, 4, 0))
                .setTimings(new Timings(1L, 20L, 30L, 21L)).setMetadata(Map.of()).setCompletedAt(T0).build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setTopic("prompts").setPartition(2).setOffset(99L)
                .setKey(ByteBuffer.wrap(new byte[] {1, 2})).setValue(ByteBuffer.wrap(new byte[] {'{', '}'}))
                .setErrorCode(ErrorCode.NOT_AVRO).setReason("not Avro").setRequestId(null).setFailedAt(T0).build();
    }
}
