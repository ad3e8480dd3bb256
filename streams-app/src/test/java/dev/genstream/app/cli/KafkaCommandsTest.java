package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
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
            Path config = dir.resolve("g.properties");
            Properties p = new Properties();
            p.putAll(m);
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, null);
            }
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
            }
            CliContractTest.Run bad = CliContractTest.run("produce", "-b", kafka.bootstrapServers(), "-r", registry.url(),
                    "--file", Files.writeString(dir.resolve("bad.jsonl"), "{not json\n").toString());
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.err()).contains("line 1");
        }
    }
}
