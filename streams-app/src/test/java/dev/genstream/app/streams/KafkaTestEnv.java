package dev.genstream.app.streams;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A real broker and registry, and helpers to run the app on its own topics, send prompts and read the outputs. */
final class KafkaTestEnv {
    /** Everything read from the output topics (committed records only). */
    record Outputs(List<TokenEvent> tokens, List<Completion> completions, List<DeadLetter> deadLetters) {
        List<TokenEvent> tokensOf(String id) {
            return tokens.stream().filter(t -> t.getRequestId().equals(id)).toList();
        }

        List<Completion> completionsOf(String id) {
            return completions.stream().filter(c -> c.getRequestId().equals(id)).toList();
        }
    }

    final String bootstrap;
    final String registryUrl;

    KafkaTestEnv(String bootstrap, String registryUrl) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    /** A configuration with topics and application id of its own, so tests never see each other's records. */
    GenstreamConfig config(String name, Map<String, String> overrides) throws Exception {
        String p = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("schema.registry.url", registryUrl);
        m.put("application.id", "app-" + p);
        m.put("state.dir", Files.createTempDirectory("genstream-state-").toString());
        m.put(GenstreamConfig.TOPIC_PROMPTS, p + "-prompts");
        m.put(GenstreamConfig.TOPIC_TOKENS, p + "-tokens");
        m.put(GenstreamConfig.TOPIC_COMPLETIONS, p + "-completions");
        m.put(GenstreamConfig.TOPIC_DLQ, p + "-dlq");
        m.put(GenstreamConfig.TOPIC_PARTITIONS, "2");
        m.put(GenstreamConfig.MODEL_PATH, BundledModel.path().toString());
        m.put(GenstreamConfig.THREADS, "1");
        m.putAll(overrides);
        return GenstreamConfig.of(m, Map.of());
    }

    static PromptRequest request(String id, String prompt, int maxTokens, float temperature, Long seed) {
        return PromptRequest.newBuilder().setRequestId(id).setPrompt(prompt).setCreatedAt(Instant.now())
                .setParams(GenerationParams.newBuilder().setMaxTokens(maxTokens).setTemperature(temperature).setSeed(seed).build())
                .build();
    }

    /** Sends prompt requests (Avro via the registry), keyed by request id; returns where each landed. */
    List<RecordMetadata> send(GenstreamConfig c, List<PromptRequest> requests) throws Exception {
        return send(c, requests, PromptRequest::getRequestId);
    }

    /** As above, keyed by {@code key} (e.g. conversation_id, so a conversation's turns keep their order). */
    List<RecordMetadata> send(GenstreamConfig c, List<PromptRequest> requests, java.util.function.Function<PromptRequest, String> key) throws Exception {
        List<RecordMetadata> where = new ArrayList<>();
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, c.kafka(), false);
             KafkaProducer<byte[], byte[]> p = producer(c)) {
            String topic = c.get(GenstreamConfig.TOPIC_PROMPTS);
            for (PromptRequest r : requests) {
                byte[] value = serde.serializer().serialize(topic, r);
                where.add(p.send(new ProducerRecord<>(topic, key.apply(r).getBytes(), value)).get());
            }
        }
        return where;
    }

    /** Sends raw bytes to the prompts topic, as a broken producer would. */
    RecordMetadata sendRaw(GenstreamConfig c, byte[] key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(c)) {
            return p.send(new ProducerRecord<>(c.get(GenstreamConfig.TOPIC_PROMPTS), key, value)).get();
        }
    }

    /** The keys of the committed records of {@code topic}, read for {@code wait} (no registry needed). */
    List<String> keys(GenstreamConfig c, String topic, Duration wait) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "keys-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        List<String> keys = new java.util.ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + wait.toMillis();
            while (System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) keys.add(r.key());
            }
        }
        return keys;
    }

    /** The value bytes of the first record of {@code topic} (partition 0 first), read_committed. */
    byte[] firstRaw(GenstreamConfig c, String topic) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "raw-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) return r.value();
            }
        }
        throw new AssertionError("no record on " + topic);
    }

    private KafkaProducer<byte[], byte[]> producer(GenstreamConfig c) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("enable.idempotence", "true");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads the output topics with read_committed from the start until {@code done} holds or the timeout passes. */
    Outputs collect(GenstreamConfig c, Predicate<Outputs> done, Duration timeout) {
        return collect(c, done, timeout, Duration.ofMillis(1500));
    }

    /** As above; {@code settle} is how long to keep reading after {@code done} holds, to catch duplicates. */
    Outputs collect(GenstreamConfig c, Predicate<Outputs> done, Duration timeout, Duration settle) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        var tokenDe = GenstreamSerdes.forClass(TokenEvent.class, c.kafka(), false).deserializer();
        var completionDe = GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer();
        var dlqDe = GenstreamSerdes.forClass(DeadLetter.class, c.kafka(), false).deserializer();
        Outputs out = new Outputs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        String tokens = c.get(GenstreamConfig.TOPIC_TOKENS), completions = c.get(GenstreamConfig.TOPIC_COMPLETIONS);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(tokens, completions, c.get(GenstreamConfig.TOPIC_DLQ)));
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(tokens)) out.tokens().add(tokenDe.deserialize(r.topic(), r.value()));
                    else if (r.topic().equals(completions)) out.completions().add(completionDe.deserialize(r.topic(), r.value()));
                    else out.deadLetters().add(dlqDe.deserialize(r.topic(), r.value()));
                }
            }
            // A short quiet period catches anything that would arrive twice.
            long settleEnd = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleEnd) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(tokens)) out.tokens().add(tokenDe.deserialize(r.topic(), r.value()));
                    else if (r.topic().equals(completions)) out.completions().add(completionDe.deserialize(r.topic(), r.value()));
                    else out.deadLetters().add(dlqDe.deserialize(r.topic(), r.value()));
                }
            }
        }
        return out;
    }
}
