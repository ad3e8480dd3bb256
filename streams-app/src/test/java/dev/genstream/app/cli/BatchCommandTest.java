package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * batch on a real broker: 500 lines, 5 of them invalid, --skip-invalid; the batch JVM is killed with SIGKILL
 * half way and the command re-run with the same --out, which must end with exactly 495 answers, no duplicates.
 */
@Timeout(600)
class BatchCommandTest {
    static final String[] PROMPTS = {"In the beginning", "And the LORD said unto Moses,", "Blessed are the",
        "The LORD is my shepherd;", "Then Peter said", "Thou shalt not", "And God said, Let there be", "Now the serpent was"};

    @TempDir
    Path dir;

    @Test
    void killedHalfWayAndReRunItAnswersEveryValidLineExactlyOnce() throws Exception {
        List<String> lines = new ArrayList<>();
        Set<String> valid = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String line = switch (i) {
                case 40 -> "{\"request_id\":\"bad-40\",\"prompt\":\"x\",\"params\":{\"temprature\":0.5}}";
                case 140 -> "{\"request_id\":\"bad-140\",\"prompt\":\"x\",\"params\":{\"max_tokens\":\"8\"}}";
                case 240 -> "{\"request_id\":\"bad-240\",\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}";
                case 340 -> "{\"request_id\":\"bad-340\",\"prompt\":\"x\",\"params\":{\"top_p\":0}}";
                case 440 -> "{\"request_id\":\"bad-440\",\"prompt\":\"x\",\"maxTokens\":8}";
                default -> {
                    String id = "b" + i;
                    valid.add(id);
                    boolean greedy = i % 2 == 0;
                    yield "{\"request_id\":\"" + id + "\",\"prompt\":\"" + PROMPTS[i % PROMPTS.length] + "\",\"params\":{\"max_tokens\":" + (4 + i % 5)
                            + ",\"temperature\":" + (greedy ? 0 : 0.9) + (greedy ? "" : ",\"seed\":" + i) + ",\"emit_tokens\":false}}";
                }
            };
            lines.add(line);
        }
        Path in = Files.write(dir.resolve("prompts.jsonl"), lines);
        Path out = dir.resolve("results.jsonl");
        Path log = dir.resolve("batch.log");
        try (TestStack stack = new TestStack()) {
            GenstreamConfig c = stack.config("batch", dir.resolve("state"), Map.of(GenstreamConfig.BATCH_SIZE, "8"));
            Path config = TestStack.write(c, dir.resolve("g.properties"));
            try (GenstreamApp app = GenstreamApp.start(c)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                List<String> args = List.of("batch", "--config", config.toString(), "--in", in.toString(), "--out", out.toString(), "--skip-invalid");
                Process first = TestStack.launch(log, args);
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                while (lineCount(out) < 200 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
                first.destroyForcibly().waitFor();
                int atKill = lineCount(out);
                System.out.println("[batch] killed the first run at " + atKill + " answer line(s)");
                assertThat(atKill).as("killed half way (log: %s)", Files.readString(log)).isBetween(200, 494);

                CliContractTest.Run second = CliContractTest.run(args.toArray(String[]::new));
                System.out.println("[batch] second run: " + second.err().lines().filter(l -> !l.startsWith("batch ")).toList());
                assertThat(second.exit()).as(second.err()).isZero();
                assertThat(second.err()).contains("skipped 5 invalid line(s): [41, 141, 241, 341, 441]")
                        .contains("skipped line 41: params.temprature: unknown field; did you mean params.temperature?")
                        .contains("batch: 495 answered of 495 (495 completed, 0 dead-lettered), 5 line(s) skipped");
            }
        }
        ObjectMapper json = new ObjectMapper();
        List<String> results = Files.readAllLines(out);
        assertThat(results).hasSize(495);
        Set<String> ids = new HashSet<>();
        for (String r : results) {
            JsonNode n = json.readTree(r);
            assertThat(n.get("type").asText()).as(r).isEqualTo("completion");
            assertThat(ids.add(n.get("request_id").asText())).as("duplicate %s", r).isTrue();
            assertThat(n.get("line").asInt()).isEqualTo(Integer.parseInt(n.get("request_id").asText().substring(1)) + 1);
            assertThat(n.get("usage").get("completion_tokens").asInt()).isEqualTo(n.get("token_ids").size()).isPositive();
        }
        assertThat(ids).isEqualTo(valid);
    }

    static int lineCount(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return 0;
        byte[] b = Files.readAllBytes(p);
        int n = 0;
        for (byte x : b) if (x == '\n') n++;
        return n;
    }
}
