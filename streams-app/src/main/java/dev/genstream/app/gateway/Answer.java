package dev.genstream.app.gateway;

import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The answer to one request as it arrives: token events in index order, then the end (a Completion or a
 * DeadLetter). Tokens and the Completion travel on different topics in one transaction, so the Completion may be
 * read first; {@link #next} holds it back until every token it counts has been handed out.
 */
final class Answer implements Consumer<Object> {
    /** What {@link #next} returns: a token, or the end (completion or deadLetter set). */
    record Step(TokenEvent token, Completion completion, DeadLetter deadLetter) {}

    private final LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final boolean tokensExpected;
    private final List<TokenEvent> received = new ArrayList<>();
    private Completion completion;
    private int nextIndex;

    Answer(boolean tokensExpected) {
        this.tokensExpected = tokensExpected;
    }

    @Override
    public void accept(Object record) {
        arrived.add(record);
    }

    /** The next step, or null when nothing arrived before {@code deadlineNanos}. */
    Step next(long deadlineNanos) throws InterruptedException {
        while (true) {
            if (completion != null && (!tokensExpected || nextIndex >= completion.getUsage().getCompletionTokens())) {
                Completion c = completion;
                completion = null;
                return new Step(null, c, null);
            }
            long left = deadlineNanos - System.nanoTime();
            Object o = left <= 0 ? arrived.poll() : arrived.poll(left, TimeUnit.NANOSECONDS);
            if (o == null) return null;
            switch (o) {
                case TokenEvent t when t.getIndex() == nextIndex -> {
                    nextIndex++;
                    received.add(t);
                    return new Step(t, null, null);
                }
                case TokenEvent t -> { } // a repeat (never under read_committed; harmless to drop)
                case Completion c -> completion = c;
                case DeadLetter d -> {
                    return new Step(null, null, d);
                }
                default -> throw new IllegalStateException("unexpected record " + o.getClass());
            }
        }
    }

    List<TokenEvent> tokens() {
        return received;
    }
}
