package dev.genstream.app.jobs;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.PromptRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A slice of a prompt topic: every partition from a start to an end bound, each bound either an offset (the same
 * number in every partition) or a timestamp. The end is exclusive and never past the topic's end when reading began.
 */
public final class PromptTopicRange {
    /** An offset or a timestamp: "1234" is an offset, "2026-11-30T10:00:00Z" a timestamp. */
    public record Bound(Long offset, Instant time) {
        public static Bound parse(String s, String flag) {
            if (s == null) return null;
            if (s.matches("\\d+")) return new Bound(Long.parseLong(s), null);
            try {
                return new Bound(null, Instant.parse(s));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(flag + " must be an offset (a whole number) or an ISO-8601 instant such as 2026-11-30T10:00:00Z, got '" + s + "'");
            }
        }
    }

    /** A record that could be decoded, and the ones that could not. */
    public record Slice(List<PromptRequest> requests, List<String> undecodable) {}

    private PromptTopicRange() {}

    public static Slice read(GenstreamConfig c, String topic, Bound since, Bound until) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        var de = GenstreamSerdes.forClass(PromptRequest.class, c.kafka(), false).deserializer();
        List<PromptRequest> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) throw new IllegalArgumentException("topic " + topic + " does not exist");
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, Long> first = consumer.beginningOffsets(parts), last = consumer.endOffsets(parts);
            Map<TopicPartition, Long> start = bound(consumer, parts, since, first, last), end = bound(consumer, parts, until, last, last);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            consumer.assign(parts);
            for (TopicPartition p : parts) {
                long s = Math.max(start.get(p), first.get(p)), e = Math.min(end.get(p), last.get(p));
                if (s < e) {
                    consumer.seek(p, s);
                    remaining.put(p, e);
                }
            }
            consumer.assign(remaining.keySet());
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    Long e = remaining.get(p);
                    if (e == null || r.offset() >= e) continue;
                    try {
                        out.add(de.deserialize(topic, r.value()));
                    } catch (RuntimeException ex) {
                        bad.add(topic + "-" + r.partition() + "@" + r.offset() + ": " + ex.getMessage());
                    }
                }
                remaining.entrySet().removeIf(en -> consumer.position(en.getKey()) >= en.getValue());
                consumer.assign(remaining.keySet());
            }
        }
        return new Slice(out, bad);
    }

    private static Map<TopicPartition, Long> bound(KafkaConsumer<?, ?> consumer, List<TopicPartition> parts, Bound b,
                                                   Map<TopicPartition, Long> otherwise, Map<TopicPartition, Long> last) {
        Map<TopicPartition, Long> m = new HashMap<>();
        if (b == null) return new HashMap<>(otherwise);
        if (b.offset() != null) {
            parts.forEach(p -> m.put(p, b.offset()));
            return m;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        parts.forEach(p -> query.put(p, b.time().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        for (TopicPartition p : parts) {
            OffsetAndTimestamp o = found.get(p);
            m.put(p, o == null ? last.get(p) : o.offset());
        }
        return m;
    }
}
