package dev.genstream.app.jobs;

import dev.genstream.app.registry.AvroSerde;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.PromptRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends prompt requests without waiting for each acknowledgement: an idempotent producer (no duplicates or
 * reordering on retry) with batching, so thousands of prompts a second reach the broker. Keyed as the service
 * expects: by conversation_id when set, else request_id. Call {@link #flush()} to learn whether all arrived.
 */
public final class PromptSender implements AutoCloseable {
    private final AvroSerde<PromptRequest> serde;
    private final KafkaProducer<String, PromptRequest> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public PromptSender(GenstreamConfig c) {
        this.topic = c.get(GenstreamConfig.TOPIC_PROMPTS);
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        this.serde = GenstreamSerdes.forClass(PromptRequest.class, c.kafka(), false);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
    }

    public String topic() {
        return topic;
    }

    /** Queues {@code r}; {@code acked} runs on the producer's thread once the broker has it. */
    public void send(PromptRequest r, Consumer<RecordMetadata> acked) {
        Exception f = failure.get();
        if (f != null) throw new IllegalStateException("sending failed: " + f.getMessage(), f);
        String key = r.getConversationId() != null ? r.getConversationId() : r.getRequestId();
        producer.send(new ProducerRecord<>(topic, key, r), (meta, e) -> {
            if (e != null) failure.compareAndSet(null, e);
            else acked.accept(meta);
        });
    }

    /** Waits until everything queued is acknowledged; throws the first failure, if any. */
    public void flush() {
        producer.flush();
        Exception f = failure.get();
        if (f != null) throw new IllegalStateException("sending to " + topic + " failed: " + f.getMessage(), f);
    }

    @Override
    public void close() {
        producer.close();
        serde.close();
    }
}
