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
    private static final int CYCLES = 20, REQUESTS = 48;

    @Test
    void twentyKillsAtRandomPointsLoseNothingAndDuplicateNothing() throws Exception {
        Random rnd = new Random(SEED);
        int[] progress = new int[CYCLES], delayMs = new int[CYCLES];
        for (int k = 0; k < CYCLES; k++) {
            progress[k] = 1 + rnd.nextInt(120);
            delayMs[k] = rnd.nextInt(400);
        }
        List<PromptRequest> requests = new ArrayList<>();
        long[] sendGapMs = new long[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            boolean greedy = i % 2 == 0;
            requests.add(KafkaTestEnv.request("k-" + i, KafkaTestBase.PROMPTS[i % KafkaTestBase.PROMPTS.length],
                    60 + 6 * (i % 11), greedy ? 0f : 0.9f, greedy ? null : 1800L + i));
            sendGapMs[i] = i < 8 ? 0 : 1000 + rnd.nextInt(4000); // a first handful at once, then a trickle
        }
        Map<String, Generator.Result> expected = ServiceJvm.uninterrupted(requests);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("killloop", Map.of(GenstreamConfig.BATCH_SIZE, "8",
                    "group.instance.id", "kill-loop", "consumer.session.timeout.ms", "10000"));
            Path config = ServiceJvm.writeConfig(c);
            Path log = Files.createTempFile("genstream-killloop", ".log");
            int[] sent = {0};
            Thread sender = Thread.ofPlatform().name("kill-loop-sender").start(() -> {
                try {
                    for (int i = 0; i < REQUESTS; i++) {
                        Thread.sleep(sendGapMs[i]);
                        env.send(c, List.of(requests.get(i)));
                        synchronized (sent) {
                            sent[0]++;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Process app = ServiceJvm.launch(config, log);
            List<int[]> kills = new ArrayList<>(); // committed token events, completions, requests sent
            try (CommittedReader reader = new CommittedReader(c)) {
                for (int k = 0; k < CYCLES; k++) {
                    int base = reader.tokens.size(), need = progress[k];
                    reader.until(r -> r.tokens.size() >= base + need, Duration.ofSeconds(240));
                    Thread.sleep(delayMs[k]);
                    int tokens = reader.tokens.size(), done = reader.completions.size(), n;
                    synchronized (sent) {
                        n = sent[0];
                    }
                    app.destroyForcibly().waitFor();
                    kills.add(new int[] {tokens, done, n});
                    System.out.printf("[kill-loop] kill %2d: %5d token events and %2d completions committed (%d requests sent, %d since the restart)%n",
                            k + 1, tokens, done, n, tokens - base);
                    app = ServiceJvm.launch(config, log);
                }
                sender.join();
                reader.until(r -> r.completions.size() >= REQUESTS, Duration.ofSeconds(600));
                reader.settle(Duration.ofSeconds(3)); // anything arriving twice would show now
                System.out.printf("[kill-loop] seed %d: %d kills at %s committed token events; finally %d token events, %d completions%n",
                        SEED, kills.size(), kills.stream().map(x -> Integer.toString(x[0])).toList(), reader.tokens.size(),
                        reader.completions.size());
                assertThat(reader.completions.keySet()).as("completed ids (log: %s)", log)
                        .containsExactlyInAnyOrderElementsOf(requests.stream().map(PromptRequest::getRequestId).toList());
                ServiceJvm.assertExactlyOnce(requests, id -> reader.completions.getOrDefault(id, List.of()), reader::tokensOf, expected);
                // The stream must outlast the loop: every kill lands with sent requests unanswered (48 x 60-120 tokens
                // against at most 20 x 120 committed between kills).
                assertThat(kills).as("kills with sent requests unanswered").allSatisfy(x -> assertThat(x[1]).isLessThan(x[2]));
            } finally {
                sender.interrupt();
                app.destroyForcibly().waitFor();
            }
        }
    }
}
