package dev.genstream.engine.generate;

/** One submitted scoring as its owner sees it: the score once done, or a failure. */
public final class ScoreHandle {
    private final String id;
    private final int[] prompt;
    private final int[] continuation;
    private final int topN;
    private volatile Scorer.Score score;
    private volatile Throwable failure;
    private volatile boolean cancelled;

    ScoreHandle(String id, int[] prompt, int[] continuation, int topN) {
        this.id = id;
        this.prompt = prompt;
        this.continuation = continuation;
        this.topN = topN;
    }

    public String id() {
        return id;
    }

    int[] prompt() {
        return prompt;
    }

    int[] continuation() {
        return continuation;
    }

    int topN() {
        return topN;
    }

    void complete(Scorer.Score s) {
        score = s;
    }

    void fail(Throwable t) {
        failure = t;
    }

    /** Non-null once scored. */
    public Scorer.Score score() {
        return score;
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
}
