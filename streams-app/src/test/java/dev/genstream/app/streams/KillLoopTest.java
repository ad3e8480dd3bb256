package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.engine.generate.Generator;
import dev.genstream.schemas.PromptRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One service JVM, SIGKILLed and restarted 20 times while a stream of requests arrives. Each kill lands at a
 * random point, drawn from a fixed seed: after a random number of token events committed since the restart, plus a
 * random delay, so kills fall anywhere in the 100 ms commit cycle. Then every request must have exactly one
 * completion and every token index once, with texts byte-identical to the engine alone.
 */
@Tag("reliability")
@Timeout(1500)
class KillLoopTest {
    /** Kill points and request pacing; {@code -Dgenstream.killloop.seed=N} replays another schedule. */
    private static final long SEED = Long.getLong("genstream.killloop.seed", 18);
    private static final int CYCLES = 20, REQUESTS = 48, FIRST = 8, PER_CYCLE = 2;

    @Test
    void twentyKillsAtRandomPointsLoseNothingAndDuplicateNothing() throws Exception {
        Random rnd = new Random(SEED);
        int[] progress = new int[CYCLES], delayMs = new int[CYCLES];
        for (int k = 0; k < CYCLES; k++) {
            progress[k] = 1 + rnd.nextInt(120);
            delayMs[k] = rnd.nextInt(100); // anywhere in the 100 ms commit cycle
        }
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            boolean greedy = i % 2 == 0;
            requests.add(KafkaTestEnv.request("k-" + i, KafkaTestBase.PROMPTS[i % KafkaTestBase.PROMPTS.length],
                    200 + 20 * (i % 11), greedy ? 0f : 0.9f, greedy ? null : 1800L + i));
        }
        Map<String, Generator.Result> expected = ServiceJvm.uninterrupted(requests);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("killloop", Map.of(GenstreamConfig.BATCH_SIZE, "8",
                    "group.instance.id", "kill-loop", "consumer.session.timeout.ms", "10000"));
            Path config = ServiceJvm.writeConfig(c);
            Path log = Files.createTempFile("genstream-killloop", ".log");
            // The stream is paced by the loop, not by the clock, so that on any machine every kill lands with requests in
            // flight: 8 at first, then 2 more after each restart (200-400 tokens each against at most 120 + 100 ms).
            int sent = FIRST;
            Process app = ServiceJvm.launch(config, log); // it creates the topics
            env.send(c, requests.subList(0, FIRST));
            List<int[]> kills = new ArrayList<>(); // committed token events, completions, requests sent
            try (CommittedReader reader = new CommittedReader(c)) {
                for (int k = 0; k < CYCLES; k++) {
                    int base = reader.tokens.size(), need = progress[k];
                    reader.until(r -> r.tokens.size() >= base + need, Duration.ofSeconds(240));
                    Thread.sleep(delayMs[k]);
                    int tokens = reader.tokens.size(), done = reader.completions.size(), n = sent;
                    app.destroyForcibly().waitFor();
                    kills.add(new int[] {tokens, done, n});
                    System.out.printf("[kill-loop] kill %2d: %5d token events and %2d completions committed (%d requests sent, %d since the restart)%n",
                            k + 1, tokens, done, n, tokens - base);
                    app = ServiceJvm.launch(config, log);
                    int next = Math.min(REQUESTS, sent + PER_CYCLE);
                    env.send(c, requests.subList(sent, next));
                    sent = next;
                }
                if (sent < REQUESTS) env.send(c, requests.subList(sent, REQUESTS));
                reader.until(r -> r.completions.size() >= REQUESTS, Duration.ofSeconds(600));
                reader.settle(Duration.ofSeconds(3)); // anything arriving twice would show now
                System.out.printf("[kill-loop] seed %d: %d kills at %s committed token events; finally %d token events, %d completions%n",
                        SEED, kills.size(), kills.stream().map(x -> Integer.toString(x[0])).toList(), reader.tokens.size(),
                        reader.completions.size());
                assertThat(reader.completions.keySet()).as("completed ids (log: %s)", log)
                        .containsExactlyInAnyOrderElementsOf(requests.stream().map(PromptRequest::getRequestId).toList());
                ServiceJvm.assertExactlyOnce(requests, id -> reader.completions.getOrDefault(id, List.of()), reader::tokensOf, expected);
                // Every kill landed with sent requests unanswered, i.e. mid-generation.
                assertThat(kills).as("kills with sent requests unanswered").allSatisfy(x -> assertThat(x[1]).isLessThan(x[2]));
            } finally {
                app.destroyForcibly().waitFor();
            }
        }
    }
}
