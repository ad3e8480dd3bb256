package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** produce and tail, the helpers for people trying the service against their own Kafka. */
@Timeout(300)
class KafkaCommandsTest {
    @TempDir
    Path dir;

    @Test
    void produceSendsJsonLinesAndTailShowsTheirCompletionsAndDeadLetters() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            Map<String, String> m = new HashMap<>();
            m.put("bootstrap.servers", kafka.bootstrapServers());
            m.put("schema.registry.url", registry.url());
            m.put("application.id", "cli-test");
            m.put("state.dir", dir.resolve("state").toString());
            m.put(GenstreamConfig.MODEL_PATH, BundledModel.path().toString());
            m.put(GenstreamConfig.THREADS, "1");
            GenstreamConfig c = GenstreamConfig.of(m, Map.of());
            Path config = TestStack.write(c, dir.resolve("g.properties"));
            Path jsonl = dir.resolve("prompts.jsonl");
            Files.writeString(jsonl, """
                    {"request_id": "q1", "prompt": "And the LORD said unto Moses,", "params": {"max_tokens": 12, "temperature": 0.7, "seed": 1}}

                    {"request_id": "q2", "messages": [{"role": "user", "content": "Who led Israel?"}], "params": {"max_tokens": 8, "temperature": 0}}
                    {"request_id": "q3", "prompt": "Amen", "model": "no-such-model", "params": {"max_tokens": 8}}
                    """);
            try (GenstreamApp app = GenstreamApp.start(c)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                CliContractTest.Run produced = CliContractTest.run("produce", "--config", config.toString(), "--file", jsonl.toString());
                assertThat(produced.exit()).as(produced.err()).isZero();
                assertThat(produced.out().lines()).containsExactly("q1", "q2", "q3");
                assertThat(produced.err()).contains("sent 3 prompt(s) to prompts");

                String tailed = "";
                for (int attempt = 0; attempt < 6 && !(tailed.contains("completion q1") && tailed.contains("completion q2")); attempt++) {
                    CliContractTest.Run tail = CliContractTest.run("tail", "--config", config.toString(), "--from-beginning", "--max-seconds", "8");
                    assertThat(tail.exit()).as(tail.err()).isZero();
                    tailed = tail.out();
                }
                assertThat(tailed).contains("completion q1 [length, 12 tokens, seed 1]").contains("completion q2")
                        .contains("dead       q3 UNKNOWN_MODEL").contains("token      q1 #0 ");

                // --json, ended by --count (completions and dead letters; tokens do not count) or --until-idle.
                CliContractTest.Run js = CliContractTest.run("tail", "--config", config.toString(), "--from-beginning", "--json", "--count", "3");
                assertThat(js.exit()).as(js.err()).isZero();
                List<JsonNode> records = new ArrayList<>();
                for (String l : js.out().lines().toList()) records.add(new ObjectMapper().readTree(l));
                assertThat(records.stream().filter(r -> !r.get("type").asText().equals("token")).map(r -> r.get("type").asText() + " " + r.get("request_id").asText()))
                        .containsExactlyInAnyOrder("completion q1", "completion q2", "dead_letter q3");
                JsonNode q1 = records.stream().filter(r -> r.get("type").asText().equals("completion") && r.get("request_id").asText().equals("q1")).findFirst().orElseThrow();
                assertThat(q1.get("seed").asLong()).isEqualTo(1);
                assertThat(q1.get("finish_reason").asText()).isEqualTo("length");
                assertThat(q1.get("token_ids")).hasSize(12);
                assertThat(records.stream().filter(r -> r.get("type").asText().equals("token") && r.get("request_id").asText().equals("q1"))).hasSize(12);
                // batch over the same file: every answer is already on the topics, so nothing is sent; q3's
                // dead letter makes the exit code 2.
                Path results = dir.resolve("results.jsonl");
                CliContractTest.Run batch = CliContractTest.run("batch", "--config", config.toString(), "--in", jsonl.toString(), "--out", results.toString());
                assertThat(batch.exit()).as(batch.err()).isEqualTo(2);
                assertThat(batch.err()).doesNotContain("sent ").contains("batch: 3 answered of 3 (2 completed, 1 dead-lettered)");
                assertThat(Files.readAllLines(results)).hasSize(3).anyMatch(l -> l.contains("\"type\":\"dead_letter\"") && l.contains("\"line\":4"));
                long t0 = System.nanoTime();
                CliContractTest.Run idle = CliContractTest.run("tail", "--config", config.toString(), "--from-beginning", "--json", "--no-tokens", "--until-idle", "2");
                assertThat(idle.exit()).as(idle.err()).isZero();
                assertThat(idle.out().lines()).hasSize(3).allMatch(l -> !l.contains("\"type\":\"token\""));
                assertThat((System.nanoTime() - t0) / 1e9).as("ended by --until-idle").isLessThan(60);
            }
            CliContractTest.Run bad = CliContractTest.run("produce", "-b", kafka.bootstrapServers(), "-r", registry.url(),
                    "--file", Files.writeString(dir.resolve("bad.jsonl"), "{not json\n").toString());
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.err()).contains("line 1");
            // A broken line 4 sends nothing at all, not lines 1-3.
            String fourth = "{\"request_id\":\"n1\",\"prompt\":\"a\"}\n{\"request_id\":\"n2\",\"prompt\":\"b\"}\n"
                    + "{\"request_id\":\"n3\",\"prompt\":\"c\"}\n{\"request_id\":\"n4\",\"prompt\":\"d\",\"params\":{\"temperature\":\"hot\"}}\n";
            Path file4 = Files.writeString(dir.resolve("line4.jsonl"), fourth);
            CliContractTest.Run refused = CliContractTest.run("produce", "--config", config.toString(), "--file", file4.toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("line 4: params.temperature: must be a number, got a string \"hot\"")
                    .contains("1 invalid line(s), nothing sent");
            assertThat(refused.out()).isEmpty();
            CliContractTest.Run skipped = CliContractTest.run("produce", "--config", config.toString(), "--file", file4.toString(), "--skip-invalid");
            assertThat(skipped.exit()).as(skipped.err()).isZero();
            assertThat(skipped.out().lines()).containsExactly("n1", "n2", "n3");
            assertThat(skipped.err()).contains("skipped 1 invalid line(s): [4]").contains("sent 3 prompt(s)");
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                var parts = consumer.partitionsFor("prompts").stream().map(pi -> new org.apache.kafka.common.TopicPartition("prompts", pi.partition())).toList();
                long total = consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                assertThat(total).as("prompts on the topic: the 3 of the first file and the 3 valid ones, none of the refused run").isEqualTo(6);
            }
        }
    }
}
