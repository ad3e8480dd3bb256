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
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Hands requests to the engine's scheduler and, on a wall-clock punctuator, forwards what it produced: token
 * events, then the completion. Each punctuation also writes the delivered tokens to the progress store, so the
 * next commit makes input offsets, outputs and progress one atomic step. A restarted task resumes every request
 * in the store after its committed tokens; anything generated after the last commit was never visible.
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
    private final Set<String> awaitingRegistry = new LinkedHashSet<>();
    private final Map<String, Scoring> scoring = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Progress> progress;
    private KeyValueStore<String, Long> done;

    private record Running(GenerationHandle handle, PromptValidator.Accepted accepted) {}

    private record Scoring(ScoreHandle handle, PromptValidator.Accepted accepted) {}

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
        this.progress = context.getStateStore(PROGRESS_STORE);
        this.done = context.getStateStore(DONE_STORE);
        List<KeyValue<String, Progress>> pending = new ArrayList<>();
        try (KeyValueIterator<String, Progress> it = progress.all()) {
            it.forEachRemaining(pending::add);
        }
        for (KeyValue<String, Progress> kv : pending) start(kv.key, kv.value);
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::deliver);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::expireCompleted);
    }

    @Override
    public void process(Record<String, PromptRequest> record) {
        Origin origin = Origin.from(record.headers());
        String id = record.key();
        if (running.containsKey(id) || scoring.containsKey(id) || awaitingRegistry.contains(id) || progress.get(id) != null || done.get(id) != null) {
            forward(id, DeadLetters.of(origin, ErrorCode.DUPLICATE_REQUEST,
                    "request_id " + id + " was already accepted; it is answered once", id));
            return;
        }
        Progress p = new Progress(record.value(), origin, new int[0], System.currentTimeMillis());
        progress.put(id, p);
        start(id, p);
    }

    /** False when the registry could not resolve the request's avro_subject: it stays in the store and is retried. */
    private boolean start(String id, Progress p) {
        try {
            PromptValidator.Accepted a = validator.validate(p.request());
            if (a.isScore()) { // deterministic: a resumed score request is simply scored again
                scoring.put(id, new Scoring(service.scheduler().submitScore(id, a.promptIds(), a.continuationIds(),
                        a.params().sampling().logprobs()), a));
                return true;
            }
            running.put(id, new Running(service.scheduler().submit(id, a.promptIds(), a.params(), p.tokens()), a));
        } catch (PromptValidator.RegistryUnavailable r) { // a resumed request's pinned schema, not cached in this process
            registry.unavailable(r.getMessage());
            awaitingRegistry.add(id);
            return false;
        } catch (PromptValidator.Rejected r) { // only if the service's limits changed since it was accepted
            fail(id, p, r.code(), r.getMessage());
        }
        return true;
    }

    /** Starts the requests that wait for the registry, in order, until it still cannot answer. */
    private void retryAwaitingRegistry(long now) {
        if (awaitingRegistry.isEmpty() || !registry.due(now)) return;
        for (var it = awaitingRegistry.iterator(); it.hasNext(); ) {
            String id = it.next();
            it.remove();
            if (!start(id, progress.get(id))) return;
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
            if (h.score() != null) {
                forward(e.getKey(), score(e.getKey(), progress.get(e.getKey()).request(), h.score(), e.getValue().accepted(), tokenizer));
                complete(e.getKey(), now);
                it.remove();
            } else if (h.failure() != null) {
                fail(e.getKey(), progress.get(e.getKey()), ErrorCode.INTERNAL_ERROR, "scoring failed: " + h.failure().getMessage());
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
            Progress p = progress.get(id);
            if (e.getValue().accepted().emitTokens()) {
                for (TokenOutput t : outs) forward(id, Replies.tokenEvent(id, t, tokenizer));
            }
            int[] ids = new int[outs.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = outs.get(i).tokenId();
            p = p.withTokens(ids);
            if (finished) {
                structured(id, p, h, e.getValue().accepted());
                forward(id, Replies.completion(service, p.request(), p.tokens(), h, e.getValue().accepted()));
                complete(id, now);
                it.remove();
            } else if (failure != null) {
                fail(id, p, ErrorCode.INTERNAL_ERROR, "generation failed: " + failure.getMessage());
                it.remove();
            } else {
                progress.put(id, p);
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

    private void fail(String id, Progress p, ErrorCode code, String reason) {
        forward(id, DeadLetters.of(p.origin(), code, reason, id));
        complete(id, System.currentTimeMillis());
    }

    private void complete(String id, long now) {
        progress.delete(id);
        done.put(id, now);
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
