package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's bulk extraction example: three documents → a registered Avro subject → typed records, read with tail. */
@Timeout(300)
class BulkExtractionCommandsTest {
    static final String SCHEMA = """
            {"type": "record", "name": "Extract", "namespace": "demo", "fields": [
              {"name": "title", "type": "string"},
              {"name": "mood", "type": {"type": "enum", "name": "Mood", "symbols": ["JOY", "FEAR", "WRATH"]}},
              {"name": "people", "type": {"type": "array", "items": "string"}},
              {"name": "chapter", "type": ["null", "int"], "default": null}]}""";

    @TempDir
    Path dir;

    @Test
    void threeDocumentsBecomeTypedRecordsOnTheStructuredTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            Map<String, String> m = new HashMap<>();
            m.put("bootstrap.servers", kafka.bootstrapServers());
            m.put("schema.registry.url", registry.url());
            m.put("application.id", "bulk-test");
            m.put("state.dir", dir.resolve("state").toString());
            m.put(GenstreamConfig.MODEL_PATH, BundledModel.path().toString());
            m.put(GenstreamConfig.THREADS, "1");
            GenstreamConfig c = GenstreamConfig.of(m, Map.of());
            Path config = TestStack.write(c, dir.resolve("g.properties"));
            try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
                client.register("extract", new Schema.Parser().parse(SCHEMA)); // as: curl -X POST .../subjects/extract/versions
            }
            Path jsonl = Files.writeString(dir.resolve("docs.jsonl"), """
                    {"request_id": "doc-1", "prompt": "In the beginning God created the heaven and the earth.\\nExtract:", "avro_subject": "extract", "params": {"max_tokens": 80, "seed": 1}}
                    {"request_id": "doc-2", "prompt": "And Moses said unto the people, Fear ye not.\\nExtract:", "avro_subject": "extract", "params": {"max_tokens": 80, "seed": 2}}
                    {"request_id": "doc-3", "prompt": "The LORD is my shepherd; I shall not want.\\nExtract:", "avro_subject": "extract", "params": {"max_tokens": 80, "seed": 3}}
                    """);
            try (GenstreamApp app = GenstreamApp.start(c)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                CliContractTest.Run produced = CliContractTest.run("produce", "--config", config.toString(), "--file", jsonl.toString());
                assertThat(produced.exit()).as(produced.err()).isZero();
                String tailed = "";
                for (int attempt = 0; attempt < 8 && tailed.lines().filter(l -> l.startsWith("structured")).count() < 3; attempt++) {
                    CliContractTest.Run tail = CliContractTest.run("tail", "--config", config.toString(), "--from-beginning", "--no-tokens", "--max-seconds", "8");
                    assertThat(tail.exit()).as(tail.err()).isZero();
                    tailed = tail.out();
                }
                System.out.println(tailed);
                assertThat(tailed.lines().filter(l -> l.matches("structured doc-[123] \\{\"title\": \".*\", \"mood\": \"(JOY|FEAR|WRATH)\", \"people\": \\[.*], \"chapter\": .*}"))
                        .count()).isEqualTo(3);
                assertThat(tailed).contains("completion doc-1").contains("completion doc-2").contains("completion doc-3");
            }
        }
    }
}
