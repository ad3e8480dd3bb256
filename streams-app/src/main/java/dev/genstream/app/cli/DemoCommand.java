package dev.genstream.app.cli;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.gateway.Gateway;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole service on one machine: an embedded KRaft broker, an in-process schema registry, the streaming app
 * on the bundled model, and a handful of prompts. Token events are printed live as they are committed. Then one
 * multi-turn conversation kept by the service (see {@link DemoConversation}).
 */
@Command(name = "demo", description = "Run the service on an embedded Kafka broker and registry with sample prompts, printing tokens live, then one multi-turn conversation.")
public final class DemoCommand implements Callable<Integer> {
    record Sample(String id, String prompt, float temperature, Long seed) {}

    static final List<Sample> SAMPLES = List.of(
            new Sample("r1", "In the beginning", 0f, null),
            new Sample("r2", "And the LORD said unto Moses,", 0.8f, 7L),
            new Sample("r3", "Blessed are the", 0.8f, 11L),
            new Sample("r4", "The LORD is my shepherd;", 0f, null),
            new Sample("r5", "And Jesus answered and said unto them,", 0.8f, 3L),
            new Sample("r6", "Honour thy father and thy mother:", 0.8f, 5L));

    @Mixin
    ModelOptions model;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "48", description = "Tokens per request (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--requests", paramLabel = "N", description = "How many requests (default: the 6 samples; more cycle through them with new seeds)")
    Integer requests;

    @Option(names = "--chat", description = "Instead of the samples: serve the chat page and the OpenAI API (the gateway) until Ctrl-C")
    boolean chat;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "The gateway's port with --chat (0 = any free port; default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--compare-engine", description = "Afterwards, decode the same requests with the engine alone (no Kafka) and compare throughput")
    boolean compareEngine;

    /** The samples, cycled to the requested count; repeats get their own id and seed. */
    List<Sample> samples() {
        int n = requests != null ? requests : SAMPLES.size();
        if (n < 1) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--requests must be at least 1");
        List<Sample> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            Sample s = SAMPLES.get(i % SAMPLES.size());
            out.add(i < SAMPLES.size() ? s : new Sample("r" + (i + 1), s.prompt(), 0.8f, (long) i));
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        java.nio.file.Path modelPath = model.pathWithoutQuantizing();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        out.println("genstream demo: starting an embedded Kafka broker (KRaft) and an in-process schema registry...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            Map<String, String> props = new HashMap<>();
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("schema.registry.url", registry.url());
            props.put("application.id", "genstream-demo");
            props.put("state.dir", Files.createTempDirectory("genstream-demo-state").toString());
            props.put(GenstreamConfig.TOPIC_PARTITIONS, "2");
            props.put(GenstreamConfig.MODEL_PATH, modelPath.toString());
            props.put(GenstreamConfig.THREADS, Integer.toString(model.threads()));
            GenstreamConfig c = GenstreamConfig.of(props, Map.of());
            try (GenstreamApp app = GenstreamApp.start(c)) {
                if (!app.awaitRunning(Duration.ofSeconds(90))) throw new IllegalStateException("the streams app did not start: " + app.streams().state());
                out.printf("broker %s, registry %s, model %s; startup %.1f s%n%n", kafka.bootstrapServers(), registry.url(),
                        model.path().getFileName(), (System.nanoTime() - t0) / 1e9);
                if (chat) {
                    serveChat(c.with(GenstreamConfig.GATEWAY_PORT, Integer.toString(port)), out);
                    return 0;
                }
                double kafkaRate = run(c, out);
                DemoConversation.run(c, Math.min(maxTokens, 32), out);
                if (compareEngine) {
                    app.close();
                    double engineRate = engineAlone(c);
                    out.printf("engine alone on the same %d requests: %.1f tok/s aggregate; through Kafka: %.1f tok/s (%.0f%%)%n",
                            samples().size(), engineRate, kafkaRate, 100 * kafkaRate / engineRate);
                }
            }
        }
        return 0;
    }

    /** The gateway on the embedded stack, until the JVM is asked to stop. */
    private static void serveChat(GenstreamConfig c, PrintStream out) throws Exception {
        Gateway g = Gateway.start(c);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            g.close();
            stopped.countDown();
        }, "demo-gateway-shutdown"));
        out.printf("chat page: %s%nOpenAI API: %sv1 (no API key; e.g. OPENAI_BASE_URL=%sv1). Ctrl-C stops.%n", g.url(), g.url(), g.url());
        stopped.await();
    }

    /** The same requests through the engine's batch loop directly, for comparison. */
    private double engineAlone(GenstreamConfig c) throws Exception {
        try (var m = dev.genstream.engine.model.Model.load(model.path(), model.threads())) {
            var chat = dev.genstream.engine.chat.ChatPrompter.forModel(m.file().metadata(), m.tokenizer(), null).orElse(null);
            var validator = new dev.genstream.app.streams.PromptValidator(m.tokenizer(), chat, c.get(GenstreamConfig.MODEL_ALIAS),
                    Math.min(m.config().contextLength(), 4096), c.getInt(GenstreamConfig.MAX_TOKENS_LIMIT));
            var gen = new dev.genstream.engine.generate.Generator(m, m.tokenizer(), Math.min(m.config().contextLength(), 4096));
            List<dev.genstream.engine.generate.Sequence> seqs = new java.util.ArrayList<>();
            List<java.util.function.Consumer<dev.genstream.engine.generate.TokenOutput>> listeners = new java.util.ArrayList<>();
            int[] tokens = {0};
            for (Sample s : samples()) {
                var a = validator.validate(request(s));
                seqs.add(gen.newSequence(a.promptIds(), a.params()));
                listeners.add(t -> tokens[0]++);
            }
            long start = System.nanoTime();
            gen.runBatch(seqs, listeners);
            return tokens[0] / ((System.nanoTime() - start) / 1e9);
        }
    }

    private PromptRequest request(Sample s) {
        GenerationParams p = GenerationParams.newBuilder().setMaxTokens(maxTokens).setTemperature(s.temperature()).setSeed(s.seed()).build();
        return PromptRequest.newBuilder().setRequestId(s.id()).setPrompt(s.prompt()).setParams(p).setCreatedAt(Instant.now()).build();
    }

    private double run(GenstreamConfig c, PrintStream out) throws Exception {
        List<Sample> samples = samples();
        Map<String, Object> kc = c.kafka();
        long start = System.nanoTime();
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, kc, false);
             KafkaProducer<String, PromptRequest> producer = new KafkaProducer<>(kc, new StringSerializer(), serde.serializer())) {
            for (Sample s : samples) {
                producer.send(new ProducerRecord<>(c.get(GenstreamConfig.TOPIC_PROMPTS), s.id(), request(s)));
            }
        }
        Map<String, Object> props = new HashMap<>(kc);
        props.put("group.id", "genstream-demo-viewer");
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        var tokenDe = GenstreamSerdes.forClass(TokenEvent.class, kc, false).deserializer();
        var completionDe = GenstreamSerdes.forClass(Completion.class, kc, false).deserializer();
        Map<String, Completion> done = new LinkedHashMap<>();
        int tokens = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(c.get(GenstreamConfig.TOPIC_TOKENS), c.get(GenstreamConfig.TOPIC_COMPLETIONS)));
            long deadline = System.currentTimeMillis() + 180_000;
            while (done.size() < samples.size() && System.currentTimeMillis() < deadline) {
                Map<String, StringBuilder> deltas = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(c.get(GenstreamConfig.TOPIC_TOKENS))) {
                        TokenEvent t = tokenDe.deserialize(r.topic(), r.value());
                        deltas.computeIfAbsent(t.getRequestId(), k -> new StringBuilder()).append(t.getText());
                        tokens++;
                    } else {
                        Completion cp = completionDe.deserialize(r.topic(), r.value());
                        done.put(cp.getRequestId(), cp);
                    }
                }
                if (!deltas.isEmpty()) {
                    StringBuilder line = new StringBuilder();
                    deltas.forEach((id, text) -> line.append(line.isEmpty() ? "" : "  ").append(id).append(':').append(quote(text.toString())));
                    out.println(line);
                }
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        out.println();
        long ttftSum = 0, ttftMax = 0;
        for (Sample s : samples) {
            Completion cp = done.get(s.id());
            if (cp == null) {
                out.printf("[%s] no completion within the time limit%n", s.id());
                continue;
            }
            long ttft = cp.getTimings().getTimeToFirstTokenMs();
            ttftSum += ttft;
            ttftMax = Math.max(ttftMax, ttft);
            out.printf("[%s] %s%s%n     (%d tokens, finish: %s, seed: %d)%n", s.id(), s.prompt(), cp.getText(),
                    cp.getUsage().getCompletionTokens(), cp.getFinishReason(), cp.getSeed());
        }
        out.printf("%nsummary: %d requests, %d completions, %d token events in %.2f s = %.1f tok/s through Kafka; "
                        + "time to first token: mean %d ms, max %d ms%n",
                samples.size(), done.size(), tokens, wall, tokens / wall, done.isEmpty() ? 0 : ttftSum / done.size(), ttftMax);
        if (done.size() < samples.size()) throw new IllegalStateException((samples.size() - done.size()) + " request(s) got no completion");
        return tokens / wall;
    }

    private static String quote(String s) {
        return '"' + s.replace("\n", "\\n") + '"';
    }
}
