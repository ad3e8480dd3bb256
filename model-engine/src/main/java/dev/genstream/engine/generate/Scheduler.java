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
    /** {@link GenerationHandle}s and {@link ScoreHandle}s, in arrival order. */
    private final LinkedBlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    private final List<Live> live = new ArrayList<>();
    private final List<Scoring> scoring = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long steps;

    private record Live(GenerationHandle handle, Sequence seq) {}

    private record Scoring(ScoreHandle handle, ScoreSequence seq) {}

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
            h.started();
            live.add(new Live(h, seq));
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
        float[][] logits = model.transformer().forward(batch);
        steps++;
        for (int i = 0; i < stepped.size(); i++) {
            Live l = stepped.get(i);
            TokenOutput out = l.seq().accept(logits[i]);
            if (out != null) l.handle().emit(out, l.seq());
        }
        for (int i = 0; i < scored.size(); i++) {
            Scoring s = scored.get(i);
            s.seq().accept(logits[stepped.size() + i]);
            if (s.seq().finished()) s.handle().complete(s.seq().result());
        }
        live.removeIf(l -> l.seq().finished());
        scoring.removeIf(s -> s.seq().finished());
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
