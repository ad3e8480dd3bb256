package dev.genstream.app.streams;

import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead letters: the original record's coordinates and bytes, a code, and a reason a person can act on. */
public final class DeadLetters {
    private DeadLetters() {}

    public static DeadLetter of(Origin o, ErrorCode code, String reason, String requestId) {
        return DeadLetter.newBuilder()
                .setTopic(o.topic())
                .setPartition(o.partition())
                .setOffset(o.offset())
                .setKey(o.key() == null ? null : ByteBuffer.wrap(o.key()))
                .setValue(o.value() == null ? null : ByteBuffer.wrap(o.value()))
                .setErrorCode(code)
                .setReason(reason == null ? code.name() : reason)
                .setRequestId(requestId)
                .setFailedAt(Instant.now())
                .build();
    }
}
