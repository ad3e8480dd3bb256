package dev.genstream.app.jobs;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** done/total with ETA (progressbar), plus generated tok/s and the dead-letter count as its extra message. */
final class BatchProgress implements AutoCloseable {
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long done, tokens, deadLetters;

    BatchProgress(int total, int alreadyDone, boolean interactive, PrintStream err) {
        this.done = alreadyDone;
        this.bar = new ProgressBarBuilder()
                .setTaskName("batch")
                .setInitialMax(total)
                .startsFrom(alreadyDone, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                // Without a terminal (a pipe, a log): a plain line every few seconds instead of a redrawn bar.
                .setConsumer(interactive ? new ConsoleProgressBarConsumer(err) : new DelegatingProgressBarConsumer(err::println))
                .setUpdateIntervalMillis(interactive ? 250 : 5000)
                .build();
        refresh();
    }

    void tokens(int n) {
        tokens += n;
    }

    void answered(boolean deadLetter) {
        done++;
        if (deadLetter) deadLetters++;
    }

    void refresh() {
        double s = (System.nanoTime() - start) / 1e9;
        bar.stepTo(done);
        bar.setExtraMessage(String.format(" %.0f tok/s, DLQ %d", tokens / Math.max(s, 1e-9), deadLetters));
    }

    @Override
    public void close() {
        bar.close();
    }
}
