package dev.genstream.app.streams.conversation;

import dev.genstream.app.streams.DeadLetters;
import dev.genstream.app.streams.ModelService;
import dev.genstream.app.streams.Origin;
import dev.genstream.app.streams.Progress;
import dev.genstream.app.streams.PromptValidator;
import dev.genstream.app.streams.RegistryStatus;
import dev.genstream.app.streams.Replies;
import dev.genstream.engine.generate.GenerationHandle;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.Timings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Server-side conversations, keyed by conversation_id. Turns queue in a changelogged store and are generated one
 * at a time, in arrival order; the head's delivered tokens are committed as it goes, as in GenerationProcessor.
 * The punctuation that forwards a turn's Completion also appends the turn and its reply to the history store and
 * starts the next turn, so the next commit makes reply, history and input offsets one atomic step. An
 * end_conversation request takes its place in the queue and, when reached, deletes the history.
 */
public final class ConversationProcessor implements Processor<String, PromptRequest, String, SpecificRecord> {
    public static final String HISTORY_STORE = "genstream-conversation-history";
    public static final String QUEUE_STORE = "genstream-conversation-queue";

    private final ModelService service;
    private final PromptValidator validator;
    private final Duration punctuateEvery;
    private final long ttlMs;
    private final RegistryStatus registry;
    private final Map<String, Running> running = new HashMap<>();
    /** Conversations whose head turn's avro_subject the registry could not resolve yet; the turn stays queued. */
    private final Set<String> awaitingRegistry = new LinkedHashSet<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, History> histories;
    private KeyValueStore<String, TurnQueue> queues;

    /** A generating head turn; {@code waitedMs}: how long it queued behind earlier turns in this instance. */
    private record Running(GenerationHandle handle, ContextFit.Fitted fitted, long waitedMs) {}

    public ConversationProcessor(ModelService service, PromptValidator validator, Duration punctuateEvery, long ttlMs, RegistryStatus registry) {
        this.service = service;
        this.validator = validator;
        this.punctuateEvery = punctuateEvery;
        this.ttlMs = ttlMs;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.histories = context.getStateStore(HISTORY_STORE);
        this.queues = context.getStateStore(QUEUE_STORE);
        List<String> waiting = new ArrayList<>();
        try (KeyValueIterator<String, TurnQueue> it = queues.all()) {
            it.forEachRemaining(kv -> waiting.add(kv.key));
        }
        waiting.forEach(c -> advance(c, false)); // resumes each head after its committed tokens
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::deliver);
        long scan = Math.max(punctuateEvery.toMillis(), Math.min(ttlMs / 2, 60_000));
        context.schedule(Duration.ofMillis(scan), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, PromptRequest> record) {
        String conversation = record.key();
        PromptRequest r = record.value();
        Origin origin = Origin.from(record.headers());
        TurnQueue q = queues.get(conversation);
        History h = histories.get(conversation);
        String id = r.getRequestId();
        if ((q != null && q.contains(id)) || (h != null && h.answered().contains(id))) {
            forward(id, DeadLetters.of(origin, ErrorCode.DUPLICATE_REQUEST,
                    "request_id " + id + " was already accepted in conversation " + conversation + "; it is answered once", id));
            return;
        }
        Progress turn = new Progress(r, origin, new int[0], System.currentTimeMillis());
        queues.put(conversation, q == null ? new TurnQueue(List.of(turn)) : q.with(turn));
        if (q == null) advance(conversation, true);
    }

    /** Starts the conversation's head turn, applying end requests and failing unservable turns on the way. */
    private void advance(String conversation, boolean fresh) {
        for (TurnQueue q = queues.get(conversation); q != null; q = queues.get(conversation)) {
            Progress head = q.head();
            PromptRequest r = head.request();
            if (r.getEndConversation()) {
                histories.delete(conversation);
            } else {
                History h = histories.get(conversation);
                try {
                    ContextFit.Fitted f = ContextFit.fit(validator, h == null ? List.of() : h.messages(), r);
                    PromptValidator.Accepted a = f.accepted();
                    long waited = fresh ? Math.max(0, System.currentTimeMillis() - head.arrivedAt()) : 0;
                    running.put(conversation, new Running(
                            service.scheduler().submit(r.getRequestId(), a.promptIds(), a.params(), head.tokens()), f, waited));
                    return;
                } catch (PromptValidator.RegistryUnavailable e) {
                    registry.unavailable(e.getMessage());
                    awaitingRegistry.add(conversation);
                    return;
                } catch (PromptValidator.Rejected e) {
                    forward(r.getRequestId(), DeadLetters.of(head.origin(), e.code(), e.getMessage(), r.getRequestId()));
                }
            }
            pop(conversation, q);
        }
    }

    private void pop(String conversation, TurnQueue q) {
        TurnQueue rest = q.rest();
        if (rest == null) queues.delete(conversation);
        else queues.put(conversation, rest);
    }

    /** Forwards what the engine produced for this task's conversations since the last punctuation. */
    private void deliver(long now) {
        retryAwaitingRegistry(now);
        List<String> finished = new ArrayList<>();
        for (var e : running.entrySet()) {
            String conversation = e.getKey();
            GenerationHandle h = e.getValue().handle();
            boolean done = h.finishReason() != null; // read before draining: published after the last token
            Throwable failure = h.failure();
            List<TokenOutput> outs = h.drain();
            if (outs.isEmpty() && !done && failure == null) continue;
            TurnQueue q = queues.get(conversation);
            Progress p = q.head();
            PromptRequest r = p.request();
            ContextFit.Fitted f = e.getValue().fitted();
            Replies.tokenEvents(r.getRequestId(), outs, f.accepted(), service.model().tokenizer(), t -> forward(r.getRequestId(), t));
            int[] ids = outs.stream().mapToInt(TokenOutput::tokenId).toArray();
            p = p.withTokens(ids);
            if (done) {
                Completion c = Replies.completion(service, r, p.tokens(), h, f.accepted());
                Timings t = c.getTimings(); // the wait behind earlier turns counts as queueing
                t.setQueueMs(t.getQueueMs() + e.getValue().waitedMs());
                t.setTimeToFirstTokenMs(t.getTimeToFirstTokenMs() + e.getValue().waitedMs());
                forward(r.getRequestId(), c);
                History before = histories.get(conversation);
                histories.put(conversation, (before == null ? History.empty() : before)
                        .after(f.kept(), r.getMessages(), h.text(), r.getRequestId(), System.currentTimeMillis()));
                finished.add(conversation);
            } else if (failure != null) {
                forward(r.getRequestId(), DeadLetters.of(p.origin(), ErrorCode.INTERNAL_ERROR,
                        "generation failed: " + failure.getMessage(), r.getRequestId()));
                finished.add(conversation);
            } else {
                queues.put(conversation, q.withHead(p));
            }
        }
        for (String conversation : finished) {
            running.remove(conversation);
            pop(conversation, queues.get(conversation));
            advance(conversation, true);
        }
    }

    /** Starts the head turns that wait for the registry, in order, until it still cannot answer. */
    private void retryAwaitingRegistry(long now) {
        if (awaitingRegistry.isEmpty() || !registry.due(now)) return;
        for (String conversation : List.copyOf(awaitingRegistry)) {
            awaitingRegistry.remove(conversation);
            advance(conversation, false);
            if (awaitingRegistry.contains(conversation)) return;
        }
        registry.available();
    }

    /** Deletes conversations idle for longer than the TTL (none with turns waiting or generating). */
    private void expire(long now) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, History> it = histories.all()) {
            it.forEachRemaining(kv -> {
                if (now - kv.value.lastActivity() > ttlMs && queues.get(kv.key) == null) idle.add(kv.key);
            });
        }
        idle.forEach(histories::delete);
    }

    private void forward(String key, SpecificRecord value) {
        context.forward(new Record<>(key, value, System.currentTimeMillis()));
    }

    @Override
    public void close() {
        // Revoked or shutting down: the next owner resumes every head from the queue store.
        running.values().forEach(r -> r.handle().cancel());
        running.clear();
        awaitingRegistry.clear();
    }
}
