package dev.genstream.app.streams;

import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes and validates raw prompt records. A servable request goes on keyed by its request_id (so duplicates
 * meet in one task), carrying its origin in headers; anything else becomes a dead letter. Never throws on bad input.
 */
final class ValidateProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
    private final Function<byte[], PromptRequest> decode;
    private final Function<Throwable, Optional<ErrorCode>> classify;
    private final PromptValidator validator;
    private ProcessorContext<String, SpecificRecord> context;

    ValidateProcessor(Function<byte[], PromptRequest> decode, Function<Throwable, Optional<ErrorCode>> classify, PromptValidator validator) {
        this.decode = decode;
        this.classify = classify;
        this.validator = validator;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata m = context.recordMetadata().orElseThrow();
        Origin origin = new Origin(m.topic(), m.partition(), m.offset(), record.key(), record.value());
        PromptRequest request;
        try {
            if (record.value() == null) throw new SerializationException("the record has no value");
            request = decode.apply(record.value());
        } catch (RuntimeException e) {
            ErrorCode code = classify.apply(e).orElse(ErrorCode.NOT_AVRO);
            context.forward(new Record<>(keyOf(record), DeadLetters.of(origin, code, e.getMessage(), null), record.timestamp()));
            return;
        }
        try {
            if (request.getEndConversation()) {
                validator.checkRules(request);
            } else {
                PromptValidator.Accepted a = validator.validate(request);
                // pin the schema the request was accepted with, so a resumed generation uses the very same one
                if (a.avro() != null) request.setAvroSubject(a.avro().pinned());
            }
        } catch (PromptValidator.Rejected r) {
            context.forward(new Record<>(request.getRequestId(), DeadLetters.of(origin, r.code(), r.getMessage(), request.getRequestId()), record.timestamp()));
            return;
        }
        Record<String, SpecificRecord> out = new Record<>(request.getRequestId(), request, record.timestamp());
        origin.writeTo(out.headers());
        context.forward(out);
    }

    private static String keyOf(Record<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
