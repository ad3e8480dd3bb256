package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay on a real broker: prompts recorded by batch, replayed from the log and from the prompt topic against the
 * same model (every one identical, sampled ones included), and against other weights of the same architecture.
 */
@Timeout(600)
class ReplayCommandTest {
    @TempDir
    Path dir;

    /** n prompts: even ones greedy, odd ones sampled (with a seed, or without one so the service picks it). */
    static Path log(Path file, int n) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String prompt = BatchCommandTest.PROMPTS[i % BatchCommandTest.PROMPTS.length];
            String params = i % 2 == 0 ? "\"temperature\":0" : "\"temperature\":0.9" + (i % 4 == 1 ? ",\"seed\":" + (1000 + i) : "");
            lines.add("{\"request_id\":\"log-" + i + "\",\"prompt\":\"" + prompt + "\",\"params\":{\"max_tokens\":" + (10 + i % 7) + "," + params + ",\"emit_tokens\":false}}");
        }
        return Files.write(file, lines);
    }

    static JsonNode report(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void sameModelAndSeedsReplayFiftyOfFiftyIdenticalFromTheLogAndFromTheTopic() throws Exception {
        Path log = log(dir.resolve("log.jsonl"), 50);
        try (TestStack stack = new TestStack()) {
            GenstreamConfig c = stack.config("ra", dir.resolve("state"), Map.of(GenstreamConfig.BATCH_SIZE, "8"));
            String config = TestStack.write(c, dir.resolve("a.properties")).toString();
            try (GenstreamApp app = GenstreamApp.start(c)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                Path recorded = dir.resolve("recorded.jsonl");
                CliContractTest.Run batch = CliContractTest.run("batch", "--config", config, "--in", log.toString(), "--out", recorded.toString());
                assertThat(batch.exit()).as(batch.err()).isZero();

                Path rep1 = dir.resolve("r1.json");
                CliContractTest.Run fromLog = CliContractTest.run("replay", "--config", config, "--log", log.toString(), "--recorded", recorded.toString(),
                        "--run", "one", "--out", dir.resolve("one.jsonl").toString(), "--report", rep1.toString());
                assertThat(fromLog.exit()).as(fromLog.out() + fromLog.err()).isZero();
                assertThat(fromLog.out()).contains("replay one: 50 request(s): 50 identical, 0 different, 0 failed").contains("model fingerprints: match");
                JsonNode r1 = report(rep1);
                assertThat(r1.get("identical").asInt()).isEqualTo(50);
                assertThat(r1.get("fingerprint_match").asBoolean()).isTrue();
                assertThat(r1.get("requests").get(1).get("replay_id").asText()).isEqualTo("log-1@replay-one");
                // The replays really ran under their own ids, with the sampled ones' recorded seeds.
                List<String> one = Files.readAllLines(dir.resolve("one.jsonl"));
                assertThat(one).hasSize(50).allMatch(l -> l.contains("@replay-one") && l.contains("\"type\":\"completion\""));

                Path rep2 = dir.resolve("r2.json");
                CliContractTest.Run fromTopic = CliContractTest.run("replay", "--config", config, "--from-topic", "ra-prompts",
                        "--run", "two", "--out", dir.resolve("two.jsonl").toString(), "--report", rep2.toString());
                assertThat(fromTopic.exit()).as(fromTopic.out() + fromTopic.err()).isZero();
                assertThat(fromTopic.err()).contains("left out 50 earlier replay request(s)");
                assertThat(report(rep2).get("identical").asInt()).isEqualTo(50);

                // A range by offsets: partition offsets [0, 5) of each of the 2 partitions.
                CliContractTest.Run range = CliContractTest.run("replay", "--config", config, "--from-topic", "ra-prompts", "--until", "5",
                        "--run", "three", "--out", dir.resolve("three.jsonl").toString());
                assertThat(range.exit()).as(range.out() + range.err()).isZero();
                assertThat(range.out()).contains("replay three: 10 request(s): 10 identical");
                CliContractTest.Run none = CliContractTest.run("replay", "--config", config, "--from-topic", "ra-prompts", "--since", "2999-01-01T00:00:00Z",
                        "--run", "four", "--out", dir.resolve("four.jsonl").toString());
                assertThat(none.out()).as(none.err()).contains("replay four: 0 request(s)");
                CliContractTest.Run badBound = CliContractTest.run("replay", "--config", config, "--from-topic", "ra-prompts", "--since", "yesterday");
                assertThat(badBound.exit()).isEqualTo(1);
                assertThat(badBound.err()).contains("--since must be an offset (a whole number) or an ISO-8601 instant");
            }
        }
    }

    @Test
    void otherWeightsOfTheSameArchitectureShowAFingerprintMismatchAndTheDifferences() throws Exception {
        Path q4 = SharedData.require("models/kjv-llama-6m/kjv-llama-6m.q4_0.gguf");
        Path log = log(dir.resolve("log.jsonl"), 12);
        try (TestStack stack = new TestStack()) {
            GenstreamConfig a = stack.config("qa", dir.resolve("state-a"), Map.of(GenstreamConfig.BATCH_SIZE, "8"));
            GenstreamConfig b = stack.config("qb", dir.resolve("state-b"), Map.of(GenstreamConfig.BATCH_SIZE, "8",
                    GenstreamConfig.MODEL_PATH, q4.toString(), GenstreamConfig.MODEL_ALIAS, "kjv-q4"));
            Path recorded = dir.resolve("recorded.jsonl");
            try (GenstreamApp app = GenstreamApp.start(a)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                CliContractTest.Run batch = CliContractTest.run("batch", "--config", TestStack.write(a, dir.resolve("a.properties")).toString(),
                        "--in", log.toString(), "--out", recorded.toString());
                assertThat(batch.exit()).as(batch.err()).isZero();
            }
            try (GenstreamApp app = GenstreamApp.start(b)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                Path rep = dir.resolve("q4.json");
                // Prompts from service A's topic, recorded answers from A's completions, replayed on B with B's alias.
                CliContractTest.Run r = CliContractTest.run("replay", "--config", TestStack.write(b, dir.resolve("b.properties")).toString(),
                        "--from-topic", "qa-prompts", "--recorded-topic", "qa-completions", "--model", "kjv-q4", "--run", "q4",
                        "--out", dir.resolve("q4.jsonl").toString(), "--report", rep.toString());
                System.out.println("[replay q4_0] " + r.out().lines().limit(6).toList());
                assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
                assertThat(r.out()).contains("model fingerprints: MISMATCH").contains("first differing token at index");
                JsonNode j = report(rep);
                assertThat(j.get("fingerprint_match").asBoolean()).isFalse();
                assertThat(j.get("recorded_fingerprints")).hasSize(1);
                assertThat(j.get("replay_fingerprints")).hasSize(1);
                assertThat(j.get("recorded_fingerprints").get(0)).isNotEqualTo(j.get("replay_fingerprints").get(0));
                assertThat(j.get("failed").asInt()).isZero();
                assertThat(j.get("different").asInt()).isPositive();
                assertThat(j.get("identical").asInt() + j.get("different").asInt()).isEqualTo(12);
                JsonNode d = null;
                for (JsonNode x : j.get("requests")) if (x.get("status").asText().equals("different")) d = x;
                assertThat(d).isNotNull();
                assertThat(d.get("unit").asText()).isEqualTo("token");
                assertThat(d.get("recorded_text").asText()).isNotEqualTo(d.get("replay_text").asText());
                int at = d.get("first_difference").asInt();
                assertThat(at).isNotNegative();
            }
        }
    }
}
