package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.engine.generate.Generator;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service runs in its own JVM while the broker (a JVM of its own, data in a folder that survives) goes away
 * mid-generation twice: first stopped cleanly (SIGTERM), then crashed (SIGKILL), each time started again after an
 * outage on the same data dir and port. Every request must then get exactly one completion and every token index
 * once, byte-identical to the engine alone; the service must say once per outage (not in a flood) that Kafka is
 * unreachable, and once that it is back. Reported: the outages and the time from each restart to the next
 * committed token.
 */
@Tag("reliability") // about 2.5 min: two broker JVM restarts
@Timeout(600)
class BrokerRestartTest {
    /** How long the broker stays down each time; -Dgenstream.test.broker.outage.ms=150000 tries a longer one. */
    private static final long OUTAGE_MS = Long.getLong("genstream.test.broker.outage.ms", 15_000);

    @Test
    void theBrokerIsStoppedAndLaterCrashedMidGenerationAndComesBackOnTheSameDataDir() throws Exception {
        Path dir = Files.createTempDirectory("genstream-broker-restart-");
        Path kafkaDir = dir.resolve("kafka"), brokerLog = dir.resolve("broker.log");
        int port = freePort();
        BrokerProcess broker = BrokerProcess.start(kafkaDir, port, brokerLog);
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv("127.0.0.1:" + port, registry.url());
            GenstreamConfig c = env.config("restart", Map.of(GenstreamConfig.BATCH_SIZE, "8",
                    "group.instance.id", "restart-instance", "state.dir", dir.resolve("state").toString()));
            // Two rounds of requests: the first is in flight at the SIGTERM, the second (sent after the first restart) at
            // the SIGKILL. Generation goes on in memory while the broker is down, so one round would be done by then.
            List<List<PromptRequest>> rounds = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                List<PromptRequest> batch = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    boolean greedy = i % 2 == 0;
                    batch.add(KafkaTestEnv.request("r" + round + "-" + i, KafkaTestBase.PROMPTS[(i + round) % 10], 300 + 10 * i,
                            greedy ? 0f : 0.9f, greedy ? null : 700L + 10 * round + i));
                }
                rounds.add(batch);
            }
            List<PromptRequest> requests = rounds.stream().flatMap(List::stream).toList();
            Map<String, Generator.Result> expected = ServiceJvm.uninterrupted(requests);
            Path configFile = dir.resolve("app.properties");
            Properties p = new Properties();
            p.putAll(c.asMap());
            try (Writer w = Files.newBufferedWriter(configFile)) {
                p.store(w, "broker restart test");
            }
            Path log = dir.resolve("app.log");
            Process app = ServiceJvm.launch(configFile, log);
            CommittedReader reader = new CommittedReader(c);
            List<String> report = new ArrayList<>();
            try {
                for (int round = 0; round < 2; round++) {
                    String how = round == 0 ? "SIGTERM" : "SIGKILL";
                    List<PromptRequest> batch = rounds.get(round);
                    int before = distinct(reader);
                    env.send(c, batch);
                    reader.until(r -> distinct(r) >= before + 150, Duration.ofSeconds(180));
                    assertThat(batch).as("still generating at the " + how).anyMatch(r -> !reader.completions.containsKey(r.getRequestId()));
                    int atStop = distinct(reader);
                    long stopAt = System.currentTimeMillis();
                    if (how.equals("SIGTERM")) broker.stop();
                    else broker.kill();
                    long stoppedAt = System.currentTimeMillis();
                    Thread.sleep(OUTAGE_MS);
                    long restartAt = System.currentTimeMillis();
                    broker = BrokerProcess.start(kafkaDir, port, brokerLog);
                    long upAt = System.currentTimeMillis();
                    long next = firstNewAfter(reader, upAt, Duration.ofSeconds(300), log);
                    awaitLines(log, "Kafka at 127.0.0.1:" + port + " answers again", round + 1, Duration.ofSeconds(60));
                    report.add(String.format("%s at %d committed token events: stopped in %d ms, down %d ms, restarted in %d ms, "
                                    + "next committed token %d ms after the broker was back (%d ms after the %s)",
                            how, atStop, stoppedAt - stopAt, restartAt - stoppedAt, upAt - restartAt, next - upAt, next - stopAt, how));
                }
                report.forEach(line -> System.out.println("[broker-restart] " + line));
                // The live reader's own group offsets may rewind when the broker crashes (it then sees records
                // twice), so what the topics hold is read again from the start by a fresh read_committed reader.
                KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= requests.size(), Duration.ofSeconds(300), Duration.ofSeconds(3));
                assertThat(out.deadLetters()).isEmpty();
                for (PromptRequest r : requests) {
                    String id = r.getRequestId();
                    assertThat(out.completionsOf(id)).as(id + " completions").hasSize(1);
                    List<TokenEvent> ts = out.tokensOf(id);
                    assertThat(ts.stream().map(TokenEvent::getIndex).toList()).as(id + " indices")
                            .containsExactlyElementsOf(IntStream.range(0, ts.size()).boxed().toList());
                    assertThat(out.completionsOf(id).get(0).getText()).as(id + " text").isEqualTo(expected.get(id).text());
                    StringBuilder joined = new StringBuilder();
                    ts.forEach(t -> joined.append(t.getText()));
                    assertThat(joined).as(id + " token texts").hasToString(expected.get(id).text());
                }
                List<String> lines = Files.readAllLines(log);
                List<String> warnings = lines.stream().filter(l -> l.contains(" WARN ") || l.contains(" WARNING ") || l.contains(" ERROR ")).toList();
                System.out.println("[broker-restart] the service's warnings and errors:\n  " + String.join("\n  ", warnings));
                assertThat(lines.stream().filter(l -> l.contains("Kafka is not reachable at 127.0.0.1:" + port)))
                        .as("one line per outage (app log %s)", log).hasSize(2);
                assertThat(lines.stream().filter(l -> l.contains("Kafka at 127.0.0.1:" + port + " answers again")))
                        .as("one line per return (app log %s)", log).hasSize(2);
                assertThat(warnings).as("no flood of warnings (app log %s)", log).hasSizeLessThanOrEqualTo(10);
            } finally {
                reader.close();
                app.destroyForcibly().waitFor();
            }
        } finally {
            broker.close();
        }
    }

    /**
     * When the reader first saw a token event it had not seen before, arriving after {@code at}. Its group offsets
     * may rewind after a broker crash, so records seen again do not count.
     */
    private static long firstNewAfter(CommittedReader reader, long at, Duration timeout, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            long first = Long.MAX_VALUE;
            for (String id : reader.tokensById.keySet()) {
                List<TokenEvent> ts = reader.tokensOf(id);
                List<Long> when = List.copyOf(reader.arrivals.getOrDefault(id, List.of()));
                Set<Integer> earlier = new HashSet<>();
                for (int k = 0; k < Math.min(ts.size(), when.size()); k++) {
                    int index = ts.get(k).getIndex();
                    if (when.get(k) <= at) earlier.add(index);
                    else if (!earlier.contains(index)) {
                        first = Math.min(first, when.get(k));
                        break;
                    }
                }
            }
            if (first != Long.MAX_VALUE) return first;
            Thread.sleep(50);
        }
        throw new AssertionError("no new token committed within " + timeout + " of the broker's restart; app log: " + log);
    }

    /** Waits until the service's log has {@code n} lines containing {@code text}. */
    private static void awaitLines(Path log, String text, int n, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (Files.readAllLines(log).stream().filter(l -> l.contains(text)).count() < n) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("the service did not log '" + text + "' " + n + " times; app log: " + log);
            Thread.sleep(200);
        }
    }

    /** Distinct token events the reader has seen (request id and index). */
    private static int distinct(CommittedReader reader) {
        int n = 0;
        for (String id : reader.tokensById.keySet()) n += (int) reader.tokensOf(id).stream().mapToInt(TokenEvent::getIndex).distinct().count();
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
