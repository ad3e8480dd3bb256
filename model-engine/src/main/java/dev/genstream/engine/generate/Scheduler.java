package dev.genstream.engine.generate;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Continuous batching on a thread of its own: every step runs one forward pass over all live sequences. New
 * requests join between steps and finished ones leave; long prompts are prefilled in chunks within a per-step
 * token budget so decoding sequences keep moving. Results are queued on each request's {@link GenerationHandle}
 * for its owner to drain. Because a sequence's logits do not depend on its batch, the tokens do not either.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

    /** Limits: live sequences, rows per forward pass (decode rows plus prefill chunks), and the context per sequence. */
    public record Limits(int maxBatch, int maxStepTokens, int contextSize) {
        public Limits {
            if (maxBatch < 1 || maxStepTokens < 1 || contextSize < 2) throw new IllegalArgumentException("bad scheduler limits " + this);
        }
    }

    private final Model model;
    private final Limits limits;
    private final LinkedBlockingQueue<GenerationHandle> incoming = new LinkedBlockingQueue<>();
    private final List<Live> live = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long steps, generated, prefilled, kvBytes;
    private volatile int liveCount, lastBatch;
    private volatile SchedulerStats.Listener listener = new SchedulerStats.Listener() {};

    private record Live(GenerationHandle handle, Sequence seq) {}

    public Scheduler(Model model, Limits limits) {
        this.model = model;
        this.limits = limits;
        this.thread = Thread.ofPlatform().name("genstream-scheduler").daemon().start(this::run);
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Queues a generation. {@code committed} holds tokens an earlier run already delivered (empty for a new
     * request); generation continues after them exactly as if it had never stopped.
     */
    public GenerationHandle submit(String id, int[] prompt, GenerationParams params, int[] committed) {
        if (closed) throw new IllegalStateException("the scheduler is closed");
        GenerationHandle h = new GenerationHandle(id, prompt, params, committed);
        incoming.add(h);
        return h;
    }

    /** Forward passes run so far; for tests and metrics. */
    public long steps() {
        return steps;
    }

    /** Counts and sizes for metrics; see {@link SchedulerStats}. */
    public SchedulerStats stats() {
        return new SchedulerStats(steps, generated, prefilled, liveCount, incoming.size(), lastBatch, limits.maxBatch(), kvBytes);
    }

    /** Receives timing events (one listener; a later call replaces it). */
    public void setListener(SchedulerStats.Listener listener) {
        this.listener = listener;
    }

    private void run() {
        while (!closed) {
            try {
                admit();
                if (live.isEmpty()) continue;
                step();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "generation step failed; failing " + live.size() + " requests", e);
                for (Live l : live) l.handle().fail(e);
                live.clear();
                liveCount = 0;
            }
        }
    }

    private void admit() throws InterruptedException {
        if (live.isEmpty()) {
            GenerationHandle h = incoming.poll(100, TimeUnit.MILLISECONDS);
            if (h != null) start(h);
        }
        while (live.size() < limits.maxBatch()) {
            GenerationHandle h = incoming.poll();
            if (h == null) break;
            start(h);
        }
    }

    private void start(GenerationHandle h) {
        if (h.cancelled()) return;
        try {
            Sequence seq = new Sequence(model.tokenizer(), h.prompt(), h.params(),
                    model.transformer().newCache(limits.contextSize()), h.committed());
            h.started();
            live.add(new Live(h, seq));
            liveCount = live.size();
        } catch (RuntimeException e) {
            h.fail(e);
        }
    }

    private void step() {
        live.removeIf(l -> l.handle().cancelled());
        if (live.isEmpty()) return;
        List<Transformer.Step> batch = new ArrayList<>(live.size());
        List<Live> stepped = new ArrayList<>(live.size());
        int budget = limits.maxStepTokens();
        for (Live l : live) { // decoding sequences first: one row each
            if (l.seq().pendingTokens() == 1) {
                batch.add(l.seq().step());
                stepped.add(l);
                budget--;
            }
        }
        for (Live l : live) { // then prompt chunks within what is left of the budget
            if (l.seq().pendingTokens() > 1 && (budget > 0 || batch.isEmpty())) {
                Transformer.Step s = l.seq().step(Math.max(1, budget));
                budget -= s.tokens().length;
                batch.add(s);
                stepped.add(l);
            }
        }
        long start = System.nanoTime();
        float[][] logits = model.transformer().forward(batch);
        int sampled = 0;
        long kv = 0;
        for (int i = 0; i < stepped.size(); i++) {
            Live l = stepped.get(i);
            // Until its first sample, every row a sequence runs is prompt (or resumed) context.
            boolean first = l.handle().timings().firstToken() == 0;
            if (first) prefilled += batch.get(i).tokens().length;
            TokenOutput out = l.seq().accept(logits[i]);
            if (out != null) {
                generated++; // counted before the emit publishes a finish, so a drained request is in the count
                sampled++;
                l.handle().emit(out, l.seq());
                if (first) listener.firstToken(System.nanoTime() - l.handle().timings().submitted());
            }
        }
        long nanos = System.nanoTime() - start;
        steps++;
        lastBatch = stepped.size();
        live.removeIf(l -> l.seq().finished());
        for (Live l : live) kv += l.seq().kvBytes();
        kvBytes = kv;
        listener.stepped(stepped.size(), sampled, nanos);
        liveCount = live.size();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (GenerationHandle h : incoming) h.fail(new IllegalStateException("the scheduler closed"));
        for (Live l : live) l.handle().fail(new IllegalStateException("the scheduler closed"));
    }
}
