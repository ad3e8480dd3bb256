package dev.genstream.app.streams;

import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dead letters forwarded by this instance, by code. A count, not an exactly-once figure: a transaction that is
 * aborted and retried forwards its dead letters again.
 */
public final class DeadLetterCounts {
    private final Map<ErrorCode, LongAdder> byCode = new EnumMap<>(ErrorCode.class);

    public DeadLetterCounts() {
        for (ErrorCode c : ErrorCode.values()) byCode.put(c, new LongAdder());
    }

    void count(DeadLetter d) {
        byCode.get(d.getErrorCode()).increment();
    }

    public long count(ErrorCode code) {
        return byCode.get(code).sum();
    }
}
