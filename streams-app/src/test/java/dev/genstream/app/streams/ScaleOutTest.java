package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.engine.generate.Generator;
import dev.genstream.schemas.PromptRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three service JVMs on one broker share 60 requests; one is SIGKILLed mid-flight, then another is stopped with
 * SIGTERM. Every request still gets one completion and every token index once, byte-identical to the engine alone.
 * Reported: how the partitions were spread, and the stall of the moved partitions' requests (event to their next
 * committed token, as a read_committed reader sees it).
 */
@Timeout(900)
class ScaleOutTest {
    @Test
    void threeInstancesShareTheWorkAndSurviveAKillAndAGracefulStop() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("scale", Map.of(GenstreamConfig.TOPIC_PARTITIONS, "6", GenstreamConfig.BATCH_SIZE, "8"));
            List<PromptRequest> requests = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                boolean greedy = i % 2 == 0;
                requests.add(KafkaTestEnv.request("s-" + i, KafkaTestBase.PROMPTS[i % KafkaTestBase.PROMPTS.length],
                        150 + 5 * (i % 10), greedy ? 0f : 0.9f, greedy ? null : 900L + i));
            }
            Map<String, Generator.Result> expected = ServiceJvm.uninterrupted(requests);
            String group = c.get("application.id");
            String repartition = group + "-requests-repartition";

            Path logs = Files.createTempDirectory("genstream-scale");
            List<Process> apps = new ArrayList<>();
            for (int i = 0; i < 3; i++) apps.add(ServiceJvm.launch(configFile(c, "instance-" + i, logs), logs.resolve("instance-" + i + ".log")));
            CommittedReader reader = new CommittedReader(c);
            try (Admin admin = Admin.create(c.kafka())) {
                Map<String, Set<Integer>> spread = awaitMembers(admin, group, repartition, 3);
                System.out.println("[scale-out] partitions of " + repartition + " by instance: " + spread);
                assertThat(spread.values()).allSatisfy(p -> assertThat(p).isNotEmpty());

                env.send(c, requests);
                reader.until(r -> r.tokens.size() >= 1500, Duration.ofSeconds(180));
                Set<Integer> killedParts = spread.get("instance-0");
                long killAt = System.currentTimeMillis();
                apps.get(0).destroyForcibly().waitFor();
                Map<String, Long> stallKill = reader.stalls(killAt, movedAndOpen(reader, requests, killedParts, 6), Duration.ofSeconds(120));

                Map<String, Set<Integer>> after = awaitMembers(admin, group, repartition, 2);
                Set<Integer> stoppedParts = after.get("instance-1");
                long stopAt = System.currentTimeMillis();
                apps.get(1).destroy();
                assertThat(apps.get(1).waitFor(40, TimeUnit.SECONDS)).as("graceful stop").isTrue();
                Map<String, Long> stallStop = reader.stalls(stopAt, movedAndOpen(reader, requests, stoppedParts, 6), Duration.ofSeconds(120));

                reader.until(r -> r.completions.size() >= requests.size(), Duration.ofSeconds(400));
                reader.settle(Duration.ofSeconds(3));
                System.out.printf("[scale-out] after SIGKILL of instance-0 (partitions %s): %d open requests moved, stall max %d ms, median %d ms%n",
                        killedParts, stallKill.size(), max(stallKill), median(stallKill));
                System.out.printf("[scale-out] after SIGTERM of instance-1 (partitions %s): %d open requests moved, stall max %d ms, median %d ms%n",
                        stoppedParts, stallStop.size(), max(stallStop), median(stallStop));

                ServiceJvm.assertExactlyOnce(requests, id -> reader.completions.getOrDefault(id, List.of()), reader::tokensOf, expected);
                // Issue 18's targets are 15 s after a SIGKILL and 5 s after a graceful stop; before the failover
                // defaults these were 43-76 s and ~45 s. The bounds here catch a regression to those.
                assertThat(max(stallKill)).as("stall after SIGKILL").isLessThan(40_000);
                assertThat(max(stallStop)).as("stall after SIGTERM").isLessThan(15_000);
                // The last instance took over tasks of the stopped ones, and said so (one line per rebalance and per migration).
                List<String> log2 = Files.readAllLines(logs.resolve("instance-2.log"));
                List<String> moved = log2.stream().filter(l -> l.contains("tasks migrated: this instance took over [")).toList();
                moved.forEach(l -> System.out.println("[scale-out] instance-2: " + l));
                assertThat(moved).as("instance-2's log").anySatisfy(l -> assertThat(l).containsPattern("took over \\[\\d"));
                assertThat(log2).as("instance-2's log").anySatisfy(l -> assertThat(l).contains("rebalancing: partitions are moving"));
            } finally {
                reader.close();
                for (Process p : apps) p.destroyForcibly().waitFor();
            }
        }
    }

    /** Requests whose repartition partition is in {@code parts} and that had not completed yet. */
    private static Set<String> movedAndOpen(CommittedReader reader, List<PromptRequest> requests, Set<Integer> parts, int partitions) {
        Set<String> out = new TreeSet<>();
        for (PromptRequest r : requests) {
            int p = Utils.toPositive(Utils.murmur2(r.getRequestId().getBytes(StandardCharsets.UTF_8))) % partitions;
            if (parts.contains(p) && !reader.completions.containsKey(r.getRequestId())) out.add(r.getRequestId());
        }
        return out;
    }

    private static Path configFile(GenstreamConfig c, String instance, Path dir) throws IOException {
        return ServiceJvm.writeConfig(c.with("group.instance.id", instance).with("client.id", instance)
                .with("state.dir", dir.resolve(instance + "-state").toString()), dir.resolve(instance + ".properties"));
    }

    /** Waits until the group has {@code n} members with assignments; their repartition-topic partitions by instance id. */
    private static Map<String, Set<Integer>> awaitMembers(Admin admin, String group, String topic, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Map<String, Set<Integer>> spread = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            spread.clear();
            org.apache.kafka.clients.admin.ConsumerGroupDescription d;
            try {
                d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) throw e;
                Thread.sleep(500); // no member has joined yet
                continue;
            }
            for (MemberDescription m : d.members()) {
                Set<Integer> parts = new TreeSet<>();
                for (TopicPartition tp : m.assignment().topicPartitions()) if (tp.topic().equals(topic)) parts.add(tp.partition());
                spread.put(m.groupInstanceId().orElse(m.consumerId()).replaceAll("-\\d+$", ""), parts);
            }
            int assigned = spread.values().stream().mapToInt(Set::size).sum();
            if (d.members().size() == n && assigned == 6 && d.groupState().toString().equalsIgnoreCase("stable")) return new TreeMap<>(spread);
            Thread.sleep(500);
        }
        throw new AssertionError("group did not settle on " + n + " members: " + spread);
    }

    private static long max(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static long median(Map<String, Long> m) {
        List<Long> v = m.values().stream().sorted().toList();
        return v.isEmpty() ? 0 : v.get(v.size() / 2);
    }
}
