package dev.genstream.app.streams;

import dev.genstream.engine.generate.GenerationHandle;
import dev.genstream.engine.generate.ScoreHandle;
import dev.genstream.engine.generate.Scorer;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.engine.sampling.TokenLogprob;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.Score;
import dev.genstream.schemas.ScoredAlternative;
import dev.genstream.schemas.ScoredToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Hands requests to the engine's scheduler and, on a wall-clock punctuator, forwards what it produced: token
 * events, then the completion. Each punctuation also appends the delivered tokens to the progress store (as a
 * {@link ProgressLog} run), so the next commit makes input offsets, outputs and progress one atomic step. A
 * restarted task resumes every request in the store after its committed tokens; anything generated after the
 * last commit was never visible. The requests in flight are also held in memory, so a punctuation reads nothing.
 * Duplicate rule: a request_id that is in flight or was completed within the retention is answered once; later
 * copies go to the dead-letter topic as DUPLICATE_REQUEST.
 */
final class GenerationProcessor implements Processor<String, PromptRequest, String, SpecificRecord> {
    static final String PROGRESS_STORE = "genstream-progress";
    static final String DONE_STORE = "genstream-completed";

    private final ModelService service;
    private final PromptValidator validator;
    private final Duration punctuateEvery;
    private final long dedupRetentionMs;
    private final RegistryStatus registry;
    private final Map<String, Running> running = new HashMap<>();
    /** Resumed requests whose avro_subject the registry could not resolve yet; their progress stays in the store. */
    private final Map<String, ProgressLog.Request> awaitingRegistry = new LinkedHashMap<>();
    private final Map<String, Scoring> scoring = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private ProgressLog progress;
    private KeyValueStore<String, Long> done;

    private record Running(GenerationHandle handle, PromptValidator.Accepted accepted, ProgressLog.Request request) {}

    private record Scoring(ScoreHandle handle, PromptValidator.Accepted accepted, ProgressLog.Request request) {}

    GenerationProcessor(ModelService service, PromptValidator validator, Duration punctuateEvery, long dedupRetentionMs, RegistryStatus registry) {
        this.service = service;
        this.validator = validator;
        this.punctuateEvery = punctuateEvery;
        this.dedupRetentionMs = dedupRetentionMs;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.progress = new ProgressLog(context.getStateStore(PROGRESS_STORE));
        this.done = context.getStateStore(DONE_STORE);
        progress.restore().forEach(this::start);
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::deliver);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::expireCompleted);
    }

    @Override
    public void process(Record<String, PromptRequest> record) {
        Origin origin = Origin.from(record.headers());
        String id = record.key();
        if (running.containsKey(id) || scoring.containsKey(id) || awaitingRegistry.containsKey(id) || progress.contains(id) || done.get(id) != null) {
            forward(id, DeadLetters.of(origin, ErrorCode.DUPLICATE_REQUEST,
                    "request_id " + id + " was already accepted; it is answered once", id));
            return;
        }
        start(progress.add(id, new Progress(record.value(), origin, new int[0], System.currentTimeMillis())));
    }

    /** False when the registry could not resolve the request's avro_subject: it stays in the store and is retried. */
    private boolean start(ProgressLog.Request r) {
        String id = r.id();
        Progress p = r.progress();
        try {
            PromptValidator.Accepted a = validator.validate(p.request());
            if (a.isScore()) { // deterministic: a resumed score request is simply scored again
                scoring.put(id, new Scoring(service.scheduler().submitScore(id, a.promptIds(), a.continuationIds(),
                        a.params().sampling().logprobs()), a, r));
                return true;
            }
            running.put(id, new Running(service.scheduler().submit(id, a.promptIds(), a.params(), p.tokens()), a, r));
        } catch (PromptValidator.RegistryUnavailable e) { // a resumed request's pinned schema, not cached in this process
            registry.unavailable(e.getMessage());
            awaitingRegistry.put(id, r);
            return false;
        } catch (PromptValidator.Rejected e) { // only if the service's limits changed since it was accepted
            fail(r, e.code(), e.getMessage());
        }
        return true;
    }

    /** Starts the requests that wait for the registry, in order, until it still cannot answer. */
    private void retryAwaitingRegistry(long now) {
        if (awaitingRegistry.isEmpty() || !registry.due(now)) return;
        for (var it = awaitingRegistry.values().iterator(); it.hasNext(); ) {
            ProgressLog.Request r = it.next();
            it.remove();
            if (!start(r)) return;
        }
        registry.available();
    }

    /** Forwards everything the engine produced for this task's requests since the last punctuation. */
    private void deliver(long now) {
        retryAwaitingRegistry(now);
        Tokenizer tokenizer = service.model().tokenizer();
        for (var it = scoring.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ScoreHandle h = e.getValue().handle();
            ProgressLog.Request r = e.getValue().request();
            if (h.score() != null) {
                forward(e.getKey(), score(e.getKey(), r.progress().request(), h.score(), e.getValue().accepted(), tokenizer));
                complete(r, now);
                it.remove();
            } else if (h.failure() != null) {
                fail(r, ErrorCode.INTERNAL_ERROR, "scoring failed: " + h.failure().getMessage());
                it.remove();
            }
        }
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            String id = e.getKey();
            GenerationHandle h = e.getValue().handle();
            // Read the finish state before draining: the scheduler publishes it after the last token.
            boolean finished = h.finishReason() != null;
            Throwable failure = h.failure();
            List<TokenOutput> outs = h.drain();
            if (outs.isEmpty() && !finished && failure == null) continue;
            ProgressLog.Request r = e.getValue().request();
            Replies.tokenEvents(id, outs, e.getValue().accepted(), tokenizer, t -> forward(id, t));
            int[] ids = new int[outs.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = outs.get(i).tokenId();
            if (finished) {
                r.add(ids); // in memory only: the entry goes in this same punctuation
                Progress p = r.progress();
                structured(id, p, h, e.getValue().accepted());
                forward(id, Replies.completion(service, p.request(), p.tokens(), h, e.getValue().accepted()));
                complete(r, now);
                it.remove();
            } else if (failure != null) {
                fail(r, ErrorCode.INTERNAL_ERROR, "generation failed: " + failure.getMessage());
                it.remove();
            } else {
                r.append(ids);
            }
        }
    }

    /** With an avro_subject, a complete output also goes to the structured topic as a record of that schema. */
    private void structured(String id, Progress p, GenerationHandle h, PromptValidator.Accepted a) {
        if (a.avro() == null || h.finishReason() == dev.genstream.engine.generate.FinishReason.LENGTH) return;
        try {
            forward(id, new StructuredOutput(JsonToAvro.wire(h.text(), a.avro().schema(), a.avro().id())));
        } catch (RuntimeException e) { // the grammar guarantees a match; this would be a bug, reported, not hidden
            forward(id, DeadLetters.of(p.origin(), ErrorCode.INTERNAL_ERROR,
                    "the output did not convert to " + a.avro().pinned() + ": " + e.getMessage(), id));
        }
    }

    private void fail(ProgressLog.Request r, ErrorCode code, String reason) {
        forward(r.id(), DeadLetters.of(r.progress().origin(), code, reason, r.id()));
        complete(r, System.currentTimeMillis());
    }

    private void complete(ProgressLog.Request r, long now) {
        r.delete();
        done.put(r.id(), now);
    }

    private void expireCompleted(long now) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = done.all()) {
            it.forEachRemaining(kv -> {
                if (now - kv.value > dedupRetentionMs) old.add(kv.key);
            });
        }
        old.forEach(done::delete);
    }

    private void forward(String key, SpecificRecord value) {
        context.forward(new Record<>(key, value, System.currentTimeMillis()));
    }

    private Score score(String id, PromptRequest r, Scorer.Score s, PromptValidator.Accepted a, Tokenizer tokenizer) {
        List<ScoredToken> tokens = new ArrayList<>(s.tokenCount());
        for (Scorer.TokenScore t : s.tokens()) {
            List<ScoredAlternative> top = null;
            if (!t.top().isEmpty()) {
                top = new ArrayList<>();
                for (TokenLogprob tl : t.top()) top.add(new ScoredAlternative(tl.token(), tokenizer.decode(new int[] {tl.token()}), tl.logprob()));
            }
            tokens.add(new ScoredToken(t.token(), tokenizer.decode(new int[] {t.token()}), t.logprob(), top));
        }
        return Score.newBuilder()
                .setRequestId(id)
                .setConversationId(r.getConversationId())
                .setModel(service.alias())
                .setModelFingerprint(service.fingerprint())
                .setTotalLogprob(s.totalLogprob())
                .setTokenCount(s.tokenCount())
                .setPerplexity(s.perplexity())
                .setPromptTokens(a.promptIds().length)
                .setTokens(tokens)
                .setMetadata(r.getMetadata())
                .setScoredAt(Instant.now())
                .build();
    }

    @Override
    public void close() {
        // Revoked or shutting down: stop generating for this task; its next owner resumes from the store.
        running.values().forEach(r -> r.handle().cancel());
        running.clear();
        scoring.values().forEach(r -> r.handle().cancel());
        scoring.clear();
        awaitingRegistry.clear();
    }
}
