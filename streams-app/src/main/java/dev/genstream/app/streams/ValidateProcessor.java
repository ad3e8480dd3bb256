package dev.genstream.app.streams;

import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decodes and validates raw prompt records. A servable request goes on keyed by its request_id (so duplicates
 * meet in one task), carrying its origin in headers; anything else becomes a dead letter. Never throws on bad input.
 * A registry that cannot serve a record's schema now (down, or a server error) is not bad input: the record is
 * parked in a changelogged store and retried (see {@link RegistryStatus}) until the registry answers, while records whose
 * schema is cached keep flowing. The same holds for a request's avro_subject. Only a definitive answer (no such
 * schema id, subject or version) dead-letters.
 */
final class ValidateProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
    static final String AWAITING_STORE = "genstream-awaiting-schema";
    private static final Logger LOG = Logger.getLogger(ValidateProcessor.class.getName());

    private final Function<byte[], PromptRequest> decode;
    private final Function<Throwable, Optional<ErrorCode>> classify;
    private final PromptValidator validator;
    private final RegistryStatus registry;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Bytes, byte[]> awaiting;

    /** @param classify a decoding failure's dead-letter code, or empty when the registry failed (retry the record) */
    ValidateProcessor(Function<byte[], PromptRequest> decode, Function<Throwable, Optional<ErrorCode>> classify, PromptValidator validator,
                      RegistryStatus registry) {
        this.decode = decode;
        this.classify = classify;
        this.validator = validator;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.awaiting = context.getStateStore(AWAITING_STORE);
        // checks often; the registry status says when a retry is due (it backs off while the registry stays down)
        context.schedule(Duration.ofMillis(Math.min(registry.retryMs(), 500)), PunctuationType.WALL_CLOCK_TIME, this::retryAwaiting);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata m = context.recordMetadata().orElseThrow();
        Origin origin = new Origin(m.topic(), m.partition(), m.offset(), record.key(), record.value());
        if (!handle(origin, record.timestamp())) {
            awaiting.put(Bytes.wrap(ParkedRecord.key(origin)), ParkedRecord.encode(origin, record.timestamp()));
            LOG.fine(() -> origin.topic() + "/" + origin.partition() + "@" + origin.offset() + " waits for the schema registry");
        }
    }

    /** Parked records in arrival order, until the registry still cannot serve one. */
    private void retryAwaiting(long now) {
        if (!registry.due(now)) return;
        List<KeyValue<Bytes, byte[]>> parked = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = awaiting.all()) {
            it.forEachRemaining(parked::add);
        }
        for (KeyValue<Bytes, byte[]> kv : parked) {
            ParkedRecord p = ParkedRecord.decode(kv.value);
            if (!handle(p.origin(), p.timestamp())) return;
            awaiting.delete(kv.key);
        }
        if (!parked.isEmpty()) {
            registry.available();
            LOG.fine(() -> parked.size() + " record(s) that waited for the schema registry processed");
        }
    }

    /** Decodes, validates and forwards (or dead-letters) one record; false when the registry failed and it must wait. */
    private boolean handle(Origin origin, long timestamp) {
        PromptRequest request;
        try {
            if (origin.value() == null) throw new SerializationException("the record has no value");
            request = decode.apply(origin.value());
        } catch (RuntimeException e) {
            Optional<ErrorCode> code = classify.apply(e);
            if (code.isEmpty()) {
                registry.unavailable(e.getMessage());
                return false;
            }
            context.forward(new Record<>(keyOf(origin), DeadLetters.of(origin, code.get(), e.getMessage(), null), timestamp));
            return true;
        }
        try {
            if (request.getEndConversation()) {
                validator.checkRules(request);
            } else {
                PromptValidator.Accepted a = validator.validate(request);
                // pin the schema the request was accepted with, so a resumed generation uses the very same one
                if (a.avro() != null) request.setAvroSubject(a.avro().pinned());
            }
        } catch (PromptValidator.RegistryUnavailable r) {
            registry.unavailable(r.getMessage());
            return false;
        } catch (PromptValidator.Rejected r) {
            context.forward(new Record<>(request.getRequestId(), DeadLetters.of(origin, r.code(), r.getMessage(), request.getRequestId()), timestamp));
            return true;
        }
        Record<String, SpecificRecord> out = new Record<>(request.getRequestId(), request, timestamp);
        origin.writeTo(out.headers());
        context.forward(out);
        return true;
    }

    private static String keyOf(Origin o) {
        return o.key() == null ? null : new String(o.key(), StandardCharsets.UTF_8);
    }
}
