package dev.genstream.app.jobs;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** done/total with ETA (progressbar), plus generated tok/s and the dead-letter count as its extra message. */
public final class BatchProgress implements AutoCloseable {
    private final int total;
    private final boolean interactive;
    private final PrintStream err;
    private final long start = System.nanoTime();
    private ProgressBar bar;
    private long done, tokens, deadLetters;

    BatchProgress(int total, int alreadyDone, boolean interactive, PrintStream err) {
        this.total = total;
        this.done = alreadyDone;
        this.interactive = interactive;
        this.err = err;
    }

    /** Draws the bar from now on; before, answers are only counted (so other messages do not cut into it). */
    void show() {
        if (bar != null) return;
        this.bar = new ProgressBarBuilder()
                .setTaskName("batch")
                .setInitialMax(total)
                .startsFrom(done, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                // Without a terminal (a pipe, a log): a plain line every few seconds instead of a redrawn bar.
                .setConsumer(interactive ? new ConsoleProgressBarConsumer(err) : new DelegatingProgressBarConsumer(err::println))
                .setUpdateIntervalMillis(interactive ? 250 : 5000)
                .build();
        refresh();
    }

    /** Whether the command runs in a terminal (since JDK 22 System.console() exists even when redirected). */
    public static boolean terminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    void tokens(int n) {
        tokens += n;
    }

    void answered(boolean deadLetter) {
        done++;
        if (deadLetter) deadLetters++;
    }

    void refresh() {
        if (bar == null) return;
        double s = (System.nanoTime() - start) / 1e9;
        bar.stepTo(done);
        bar.setExtraMessage(String.format(" %.0f tok/s, DLQ %d", tokens / Math.max(s, 1e-9), deadLetters));
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
