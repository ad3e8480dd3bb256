package dev.genstream.app.jobs;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The service's answers — completions and dead letters — read from the beginning of their topics (committed
 * records only, no consumer group), so a job that was not running still finds what finished meanwhile.
 */
public final class Answers implements AutoCloseable {
    /** A completion or a dead letter (exactly one is set). */
    public record Answer(String requestId, Completion completion, DeadLetter deadLetter) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final String completions;
    private final Deserializer<Completion> completionDe;
    private final Deserializer<DeadLetter> deadLetterDe;
    private final Map<TopicPartition, Long> endAtStart;

    public Answers(GenstreamConfig c) {
        this(c, c.get(GenstreamConfig.TOPIC_COMPLETIONS), c.get(GenstreamConfig.TOPIC_DLQ));
    }

    /** @param dlq the dead-letter topic, or null to read completions only */
    public Answers(GenstreamConfig c, String completions, String dlq) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.completions = completions;
        this.completionDe = GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer();
        this.deadLetterDe = GenstreamSerdes.forClass(DeadLetter.class, c.kafka(), false).deserializer();
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : dlq == null ? List.of(completions) : List.of(completions, dlq)) {
            var found = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (found == null || found.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("topic " + topic + " does not exist; has the service (genstream run) started on this cluster?");
            }
            found.forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.endAtStart = new HashMap<>(consumer.endOffsets(parts));
    }

    public List<Answer> poll(Duration timeout) {
        List<Answer> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (r.topic().equals(completions)) {
                Completion c = completionDe.deserialize(r.topic(), r.value());
                out.add(new Answer(c.getRequestId(), c, null));
            } else {
                DeadLetter d = deadLetterDe.deserialize(r.topic(), r.value());
                if (d.getRequestId() != null) out.add(new Answer(d.getRequestId(), null, d));
            }
        }
        return out;
    }

    /** Whether everything that was in the topics when this reader opened has been read. */
    public boolean caughtUp() {
        endAtStart.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return endAtStart.isEmpty();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
