package dev.genstream.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads that splits an index range into contiguous chunks. Threads are made once;
 * a call hands out work and waits, so the hot loop creates no threads, tasks or streams. Chunks split
 * output rows only, never a reduction, which keeps results identical for every thread count.
 */
public final class Parallel implements AutoCloseable {
    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private final int threads;
    private final Thread[] workers;
    private volatile Range task;
    private volatile int taskSize;
    private volatile long generation;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;
    private volatile boolean closed;
    private final Thread[] waiting = new Thread[1];

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int chunk = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("genstream-kernel-" + chunk).start(() -> workLoop(chunk));
        }
    }

    /** Single-threaded: runs everything on the caller. */
    public static Parallel serial() {
        return new Parallel(1);
    }

    public int threads() {
        return threads;
    }

    /** Runs body over [0, n) split into {@code threads} contiguous chunks; returns when all are done. */
    public synchronized void forRange(int n, Range body) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            body.run(0, n);
            return;
        }
        failure = null;
        pending.set(workers.length);
        waiting[0] = Thread.currentThread();
        taskSize = n;
        task = body;
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        runChunk(body, n, 0);
        int spins = 0;
        while (pending.get() > 0) {
            if (++spins < 20_000) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 50_000);
        }
        task = null;
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            throw new RuntimeException(t);
        }
    }

    private void runChunk(Range body, int n, int chunk) {
        int from = (int) ((long) n * chunk / threads);
        int to = (int) ((long) n * (chunk + 1) / threads);
        if (from < to) body.run(from, to);
    }

    private void workLoop(int chunk) {
        long seen = 0;
        while (!closed) {
            long g = generation;
            if (g == seen) {
                int spins = 0;
                while (generation == seen && !closed) {
                    if (++spins < 20_000) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                continue;
            }
            seen = g;
            Range body = task;
            try {
                if (body != null) runChunk(body, taskSize, chunk);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) LockSupport.unpark(waiting[0]);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
