package dev.genstream.engine.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One submitted generation as its owner sees it: tokens queued by the scheduler thread, drained by the owner,
 * then a finish reason (or a failure) and timings. Cancelling makes the scheduler drop it before its next step.
 */
public final class GenerationHandle {
    /** Wall-clock milestones in nanoseconds (System.nanoTime); 0 until reached. */
    public record Timings(long submitted, long started, long firstToken, long finished) {}

    private final String id;
    private final int[] prompt;
    private final GenerationParams params;
    private final int[] committed;
    private final ConcurrentLinkedQueue<TokenOutput> outputs = new ConcurrentLinkedQueue<>();
    private final long submitted = System.nanoTime();
    private volatile long started, firstToken, finished;
    private volatile FinishReason finishReason;
    private volatile String text;
    private volatile Throwable failure;
    private volatile boolean cancelled;
    private volatile int cachedTokens;

    GenerationHandle(String id, int[] prompt, GenerationParams params, int[] committed) {
        this.id = id;
        this.prompt = prompt;
        this.params = params;
        this.committed = committed;
    }

    public String id() {
        return id;
    }

    int[] prompt() {
        return prompt;
    }

    GenerationParams params() {
        return params;
    }

    int[] committed() {
        return committed;
    }

    void cached(int tokens) {
        cachedTokens = tokens;
    }

    /**
     * Leading context tokens (prompt, then any committed ones) whose keys and values came from the prefix cache
     * instead of a prefill; set when the request starts.
     */
    public int cachedTokens() {
        return cachedTokens;
    }

    void started() {
        started = System.nanoTime();
    }

    /** Called on the scheduler thread; the finish state is published after the token, so a drain sees both. */
    void emit(TokenOutput out, Sequence seq) {
        if (firstToken == 0) firstToken = System.nanoTime();
        outputs.add(out);
        if (seq.finished()) {
            text = seq.text();
            finished = System.nanoTime();
            finishReason = seq.finishReason();
        }
    }

    void fail(Throwable t) {
        failure = t;
        finished = System.nanoTime();
    }

    /** Takes every token produced since the last drain, in order. */
    public List<TokenOutput> drain() {
        List<TokenOutput> out = new ArrayList<>();
        for (TokenOutput t; (t = outputs.poll()) != null; ) out.add(t);
        return out;
    }

    /** Non-null once generation has finished and its last token is queued. */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** The whole completion text (including what an earlier run generated before a resume), once finished. */
    public String text() {
        return text;
    }

    public Throwable failure() {
        return failure;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public void cancel() {
        cancelled = true;
    }

    public Timings timings() {
        return new Timings(submitted, started, firstToken, finished);
    }
}
