package dev.genstream.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads that splits an index range into contiguous chunks. Threads are made once; a call
 * publishes the body and lets every thread, the caller included, claim chunks until none are left, so a thread the
 * OS has descheduled (the machine is shared) delays nothing it has not claimed. The chunk bounds depend only on n
 * and the thread count, and chunks split output rows, never a reduction, so results are the same whoever runs them.
 */
public final class Parallel implements AutoCloseable {
    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Chunks per thread: enough to rebalance around a stalled thread, few enough to keep claims cheap. */
    private static final int CHUNKS_PER_THREAD = 8;
    private static final long SPIN_NANOS = 100_000;

    private final int threads;
    private final Thread[] workers;
    /**
     * generation << 32 | chunk count << 16 | next unclaimed chunk. The count travels with the claim: a thread that
     * read a field written for the next call could otherwise claim past the end of a finished one.
     */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private Range body;
    private int size;
    private volatile Throwable failure;
    private volatile boolean closed;

    public Parallel(int threads) {
        if (threads < 1 || threads > 4096) throw new IllegalArgumentException("threads must be in 1..4096, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("genstream-kernel-" + (i + 1)).start(this::workLoop);
        }
    }

    /** Single-threaded: runs everything on the caller. */
    public static Parallel serial() {
        return new Parallel(1);
    }

    public int threads() {
        return threads;
    }

    /** Runs body over [0, n) in contiguous chunks on all threads; returns when all are done. */
    public synchronized void forRange(int n, Range body) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            body.run(0, n);
            return;
        }
        failure = null;
        this.body = body;
        this.size = n;
        int chunks = Math.min(n, threads * CHUNKS_PER_THREAD);
        done.set(0);
        long gen = (ticket.get() >>> 32) + 1;
        ticket.set(gen << 32 | (long) chunks << 16); // publishes body and size
        for (Thread w : workers) LockSupport.unpark(w);
        work(gen);
        long start = System.nanoTime();
        while (done.get() < chunks) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else Thread.yield();
        }
        this.body = null;
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            throw new RuntimeException(t);
        }
    }

    /** Claims and runs chunks of generation gen until none are left. */
    private void work(long gen) {
        while (true) {
            long t = ticket.get();
            if (t >>> 32 != gen) return;
            int c = (int) (t & 0xFFFF), total = (int) (t >>> 16 & 0xFFFF);
            if (c >= total) return;
            if (!ticket.compareAndSet(t, t + 1)) continue;
            // A successful claim means this generation is unfinished, so body and size are still its own.
            try {
                int n = size;
                body.run((int) ((long) n * c / total), (int) ((long) n * (c + 1) / total));
            } catch (Throwable e) {
                failure = e;
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void workLoop() {
        long seen = 0;
        while (!closed) {
            long gen = ticket.get() >>> 32;
            if (gen == seen) {
                long start = System.nanoTime();
                while (ticket.get() >>> 32 == seen && !closed) {
                    if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                continue;
            }
            seen = gen;
            work(gen);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
