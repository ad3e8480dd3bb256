package dev.genstream.app.gateway;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A real in-JVM broker and registry, the service on the bundled model, and gateways in front of it. */
final class GatewayStack implements AutoCloseable {
    final EmbeddedKafka kafka;
    final EmbeddedSchemaRegistry registry;
    final GenstreamConfig config;
    final GenstreamApp app;
    final List<Gateway> gateways = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    GatewayStack(Map<String, String> overrides) throws Exception {
        kafka = EmbeddedKafka.start();
        registry = new EmbeddedSchemaRegistry().start();
        String p = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("schema.registry.url", registry.url());
        m.put("application.id", "app-" + p);
        m.put("state.dir", Files.createTempDirectory("genstream-state-").toString());
        m.put(GenstreamConfig.TOPIC_PROMPTS, p + "-prompts");
        m.put(GenstreamConfig.TOPIC_TOKENS, p + "-tokens");
        m.put(GenstreamConfig.TOPIC_COMPLETIONS, p + "-completions");
        m.put(GenstreamConfig.TOPIC_DLQ, p + "-dlq");
        m.put(GenstreamConfig.TOPIC_PARTITIONS, "4");
        m.put(GenstreamConfig.MODEL_PATH, BundledModel.path().toString());
        m.put(GenstreamConfig.THREADS, "1");
        m.put(GenstreamConfig.GATEWAY_PORT, "0");
        m.putAll(overrides);
        config = GenstreamConfig.of(m, Map.of());
        app = GenstreamApp.start(config);
        if (!app.awaitRunning(Duration.ofSeconds(60))) throw new IllegalStateException("the service did not start");
    }

    Gateway gateway(Map<String, String> overrides) throws Exception {
        GenstreamConfig c = config;
        for (var e : overrides.entrySet()) c = c.with(e.getKey(), e.getValue());
        Gateway g = Gateway.start(c);
        gateways.add(g);
        return g;
    }

    HttpResponse<String> post(Gateway g, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(g.url() + path.substring(1))).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(Gateway g, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(g.url() + path.substring(1))).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The completions on Kafka (read_committed) for these request ids, waiting until all are there. */
    Map<String, List<Completion>> completions(Set<String> ids, Duration timeout) {
        return read(GenstreamConfig.TOPIC_COMPLETIONS, Completion.class, ids, timeout);
    }

    /** The prompt requests on Kafka for these ids. */
    Map<String, List<PromptRequest>> prompts(Set<String> ids, Duration timeout) {
        return read(GenstreamConfig.TOPIC_PROMPTS, PromptRequest.class, ids, timeout);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Map<String, List<T>> read(String topicKey, Class<T> type, Set<String> ids, Duration timeout) {
        Map<String, Object> props = new HashMap<>(config.kafka());
        props.put("group.id", "reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        var de = GenstreamSerdes.forClass(type, config.kafka(), false).deserializer();
        Map<String, List<T>> out = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.get(topicKey)));
            long settle = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settle)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    T v = de.deserialize(r.topic(), r.value());
                    String id = String.valueOf(v.get(v.getSchema().getField("request_id").pos()));
                    if (ids.contains(id)) out.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
                }
                if (settle == Long.MAX_VALUE && out.keySet().containsAll(ids)) settle = System.nanoTime() + 1_000_000_000L;
            }
        }
        return out;
    }

    @Override
    public void close() {
        gateways.forEach(Gateway::close);
        app.close();
        registry.close();
        kafka.close();
    }
}
