package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.engine.generate.Generator;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
            Map<String, Generator.Result> expected = CrashResumeTest.uninterrupted(requests);
            String group = c.get("application.id");
            String repartition = group + "-requests-repartition";

            Path logs = Files.createTempDirectory("genstream-scale");
            List<Process> apps = new ArrayList<>();
            for (int i = 0; i < 3; i++) apps.add(CrashResumeTest.launch(configFile(c, "instance-" + i, logs), logs.resolve("instance-" + i + ".log")));
            Reader reader = new Reader(c);
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

                for (PromptRequest r : requests) {
                    String id = r.getRequestId();
                    assertThat(reader.completions.get(id)).as(id + " completions").hasSize(1);
                    List<TokenEvent> ts = reader.tokensOf(id);
                    assertThat(ts.stream().map(TokenEvent::getIndex).toList()).as(id + " indices")
                            .containsExactlyElementsOf(IntStream.range(0, ts.size()).boxed().toList());
                    assertThat(reader.completions.get(id).get(0).getText()).as(id + " text").isEqualTo(expected.get(id).text());
                }
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
    private static Set<String> movedAndOpen(Reader reader, List<PromptRequest> requests, Set<Integer> parts, int partitions) {
        Set<String> out = new TreeSet<>();
        for (PromptRequest r : requests) {
            int p = Utils.toPositive(Utils.murmur2(r.getRequestId().getBytes(StandardCharsets.UTF_8))) % partitions;
            if (parts.contains(p) && !reader.completions.containsKey(r.getRequestId())) out.add(r.getRequestId());
        }
        return out;
    }

    private static Path configFile(GenstreamConfig c, String instance, Path dir) throws IOException {
        Properties p = new Properties();
        p.putAll(c.with("group.instance.id", instance).with("client.id", instance)
                .with("state.dir", dir.resolve(instance + "-state").toString()).asMap());
        Path f = dir.resolve(instance + ".properties");
        try (Writer w = Files.newBufferedWriter(f)) {
            p.store(w, instance);
        }
        return f;
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

    /** A read_committed reader on its own thread, remembering when each token event arrived. */
    static final class Reader implements AutoCloseable {
        final Map<String, List<TokenEvent>> tokensById = new ConcurrentHashMap<>();
        final List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
        final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
        final Map<String, List<Completion>> completions = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean stop;

        Reader(GenstreamConfig c) {
            Map<String, Object> props = new HashMap<>(c.kafka());
            props.put("group.id", "scale-reader-" + UUID.randomUUID());
            props.put("isolation.level", "read_committed");
            props.put("auto.offset.reset", "earliest");
            var tokenDe = GenstreamSerdes.forClass(TokenEvent.class, c.kafka(), false).deserializer();
            var completionDe = GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer();
            String tokenTopic = c.get(GenstreamConfig.TOPIC_TOKENS);
            thread = Thread.ofPlatform().name("scale-reader").start(() -> {
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(tokenTopic, c.get(GenstreamConfig.TOPIC_COMPLETIONS)));
                    while (!stop) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                            long now = System.currentTimeMillis();
                            if (r.topic().equals(tokenTopic)) {
                                TokenEvent t = tokenDe.deserialize(r.topic(), r.value());
                                tokensById.computeIfAbsent(t.getRequestId(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(t);
                                arrivals.computeIfAbsent(t.getRequestId(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(now);
                                tokens.add(now);
                            } else {
                                Completion cp = completionDe.deserialize(r.topic(), r.value());
                                completions.computeIfAbsent(cp.getRequestId(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(cp);
                            }
                        }
                    }
                }
            });
        }

        List<TokenEvent> tokensOf(String id) {
            return List.copyOf(tokensById.getOrDefault(id, List.of()));
        }

        void until(java.util.function.Predicate<Reader> done, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(this)) {
                if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + tokens.size() + " tokens, " + completions.size() + " completions");
                Thread.sleep(20);
            }
        }

        void settle(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
        }

        /** For each request, milliseconds from {@code at} to its first token event arriving after it. */
        Map<String, Long> stalls(long at, Set<String> ids, Duration timeout) throws InterruptedException {
            Map<String, Long> out = new TreeMap<>();
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (out.size() < ids.size() && System.currentTimeMillis() < deadline) {
                for (String id : ids) {
                    if (out.containsKey(id)) continue;
                    List<Long> a = arrivals.getOrDefault(id, List.of());
                    synchronized (a) {
                        for (long t : a) {
                            if (t > at) {
                                out.put(id, t - at);
                                break;
                            }
                        }
                    }
                    if (!out.containsKey(id) && completions.containsKey(id)) out.put(id, 0L); // finished before the event showed
                }
                Thread.sleep(20);
            }
            assertThat(out.keySet()).as("moved requests that resumed").isEqualTo(ids);
            return out;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }
}
