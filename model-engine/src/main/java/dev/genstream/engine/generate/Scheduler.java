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

    /**
     * Limits: live sequences, rows per forward pass (decode rows plus prefill chunks), the context per sequence, and
     * the bytes the {@link PrefixCache} may hold (0: no prefix cache).
     */
    public record Limits(int maxBatch, int maxStepTokens, int contextSize, long prefixCacheBytes) {
        public Limits {
            if (maxBatch < 1 || maxStepTokens < 1 || contextSize < 2 || prefixCacheBytes < 0) throw new IllegalArgumentException("bad scheduler limits " + this);
        }

        /** Without a prefix cache. */
        public Limits(int maxBatch, int maxStepTokens, int contextSize) {
            this(maxBatch, maxStepTokens, contextSize, 0);
        }
    }

    private final Model model;
    private final Limits limits;
    private final PrefixCache prefixes;
    /** {@link GenerationHandle}s and {@link ScoreHandle}s, in arrival order. */
    private final LinkedBlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    private final List<Live> live = new ArrayList<>();
    private final List<Scoring> scoring = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long steps, generated, prefilled, kvBytes;
    private volatile int liveCount, lastBatch;
    private volatile SchedulerStats.Listener listener = new SchedulerStats.Listener() {};

    private record Live(GenerationHandle handle, Sequence seq) {}

    private record Scoring(ScoreHandle handle, ScoreSequence seq) {}

    public Scheduler(Model model, Limits limits) {
        this.model = model;
        this.limits = limits;
        // Sliding-window layers keep a ring, not whole prefixes: no cache for those models (gemma2/3) yet.
        this.prefixes = limits.prefixCacheBytes() > 0 && !model.config().hasSlidingLayers() ? new PrefixCache(limits.prefixCacheBytes()) : null;
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

    /**
     * Queues a scoring of {@code continuation} after {@code prompt}: its chunks share forward passes with the
     * generations (within the step budget, after decode rows), and the result is the same as alone.
     */
    public ScoreHandle submitScore(String id, int[] prompt, int[] continuation, int topN) {
        if (closed) throw new IllegalStateException("the scheduler is closed");
        ScoreHandle h = new ScoreHandle(id, prompt, continuation, topN);
        incoming.add(h);
        return h;
    }

    /** Forward passes run so far; for tests and metrics. */
    public long steps() {
        return steps;
    }

    /** The prefix cache's counters; null when it is off. */
    public PrefixCache.Stats prefixCacheStats() {
        return prefixes == null ? null : prefixes.stats();
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
                if (live.isEmpty() && scoring.isEmpty()) continue;
                step();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "generation step failed; failing " + live.size() + " requests", e);
                for (Live l : live) l.handle().fail(e);
                for (Scoring s : scoring) s.handle().fail(e);
                live.clear();
                scoring.clear();
                liveCount = 0;
            }
        }
    }

    private void admit() throws InterruptedException {
        if (live.isEmpty() && scoring.isEmpty()) {
            Object h = incoming.poll(100, TimeUnit.MILLISECONDS);
            if (h != null) start(h);
        }
        while (live.size() + scoring.size() < limits.maxBatch()) {
            Object h = incoming.poll();
            if (h == null) break;
            start(h);
        }
    }

    private void start(Object o) {
        if (o instanceof GenerationHandle h) start(h);
        else start((ScoreHandle) o);
    }

    private void start(ScoreHandle h) {
        if (h.cancelled()) return;
        try {
            scoring.add(new Scoring(h, new ScoreSequence(h.prompt(), h.continuation(), h.topN(), model.transformer().newCache(limits.contextSize()))));
        } catch (RuntimeException e) {
            h.fail(e);
        }
    }

    private void start(GenerationHandle h) {
        if (h.cancelled()) return;
        try {
            Sequence seq = new Sequence(model.tokenizer(), h.prompt(), h.params(),
                    model.transformer().newCache(limits.contextSize()), h.committed());
            if (prefixes != null) h.cached(seq.restorePrefix(prefixes));
            h.started();
            live.add(new Live(h, seq));
            liveCount = live.size();
        } catch (RuntimeException e) {
            h.fail(e);
        }
    }

    private void step() {
        live.removeIf(l -> l.handle().cancelled());
        scoring.removeIf(s -> s.handle().cancelled());
        if (live.isEmpty() && scoring.isEmpty()) return;
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
        List<Scoring> scored = new ArrayList<>();
        for (Scoring s : scoring) { // scoring chunks last: they never hold up a decoding sequence
            if (budget > 0 || batch.isEmpty()) {
                Transformer.Step st = s.seq().step(Math.max(1, budget));
                budget -= st.tokens().length;
                batch.add(st);
                scored.add(s);
            }
        }
        long start = System.nanoTime();
        float[][] logits = model.transformer().forward(batch);
        TokenOutput[] outs = Sampling.acceptAll(model.parallel(), stepped, Live::seq, logits);
        int sampled = 0;
        long kv = 0;
        for (int i = 0; i < stepped.size(); i++) {
            Live l = stepped.get(i);
            // Until its first sample, every row a sequence runs is prompt (or resumed) context.
            boolean first = l.handle().timings().firstToken() == 0;
            if (first) prefilled += batch.get(i).tokens().length;
            if (outs[i] != null) {
                generated++; // counted before the emit publishes a finish, so a drained request is in the count
                sampled++;
                l.handle().emit(outs[i], l.seq());
                if (first) listener.firstToken(System.nanoTime() - l.handle().timings().submitted());
                if (prefixes != null) remember(l, outs[i]);
            }
        }
        for (int i = 0; i < scored.size(); i++) {
            Scoring s = scored.get(i);
            s.seq().accept(logits[stepped.size() + i]);
            if (s.seq().finished()) s.handle().complete(s.seq().result());
        }
        long nanos = System.nanoTime() - start;
        steps++;
        lastBatch = stepped.size();
        live.removeIf(l -> l.seq().finished());
        scoring.removeIf(s -> s.seq().finished());
        for (Live l : live) kv += l.seq().kvBytes();
        kvBytes = kv;
        listener.stepped(stepped.size(), sampled, nanos);
        liveCount = live.size();
    }

    /** Keeps the prompt once prefilled (its first sample), and everything run when it finishes: the next turn's history. */
    private void remember(Live l, TokenOutput out) {
        if (out.index() == l.handle().committed().length || l.seq().finished()) l.seq().storePrefix(prefixes);
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
        for (Object o : incoming) {
            if (o instanceof GenerationHandle h) h.fail(new IllegalStateException("the scheduler closed"));
            else ((ScoreHandle) o).fail(new IllegalStateException("the scheduler closed"));
        }
        for (Live l : live) l.handle().fail(new IllegalStateException("the scheduler closed"));
        for (Scoring s : scoring) s.handle().fail(new IllegalStateException("the scheduler closed"));
    }
}
