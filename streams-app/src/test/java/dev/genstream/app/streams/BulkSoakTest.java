package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.engine.generate.Generator;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 short prompts through one service JVM at a steady offered load (at most {@link #WINDOW} unanswered), its
 * heap after GC and RSS sampled every few seconds. Nothing may be lost or duplicated, and neither series may grow
 * the way a leak would: the least-squares slope after warm-up, per request answered, stays under a bound a leak
 * of one small object per request would break.
 */
@Tag("reliability")
@Timeout(1800)
class BulkSoakTest {
    private static final int REQUESTS = Integer.getInteger("genstream.soak.requests", 10_000), WINDOW = 200;
    /** Samples before this share of the requests is answered are warm-up (JIT, prefix cache filling, stores opening). */
    private static final double WARM_UP = 0.2;
    /**
     * Heap bound, bytes per request answered. Anything a per-request leak would plausibly keep (a Completion, a
     * generation handle, token arrays, a map entry with its value) is 1 KiB and up, and a leaked sequence holds its
     * KV cache (~14 KiB per position on this model). Heap after GC wanders by ~5 MB with what is in flight (live
     * sequences, producer buffers, prefix-cache entries of different sizes): over thousands of requests that is a
     * slope error of ~150 B/request. A bare leaked key (~150 B) would go unseen.
     */
    private static final double HEAP_BYTES_PER_REQUEST = 1024;
    /**
     * RSS bound, bytes per request answered (the heap is fixed and pre-touched, so this is native memory). RSS still
     * creeps while the shared RocksDB memtables fill towards their budget and malloc arenas settle (~1-2 KiB per
     * request right after warm-up, decreasing); 4 KiB/request catches a native leak per request such as an
     * unclosed RocksDB iterator or a direct buffer.
     */
    private static final double RSS_BYTES_PER_REQUEST = 4096;

    @Test
    void tenThousandShortPromptsThroughOneInstanceLoseNothingAndMemoryStaysFlat() throws Exception {
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            boolean greedy = i % 2 == 0;
            requests.add(KafkaTestEnv.request("b-" + i, KafkaTestBase.PROMPTS[i % KafkaTestBase.PROMPTS.length] + " " + (i / 10),
                    8, greedy ? 0f : 0.8f, greedy ? null : (long) i));
        }
        List<PromptRequest> checked = requests.subList(0, 100);
        Map<String, Generator.Result> expected = ServiceJvm.uninterrupted(checked);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("soak", Map.of());
            Path log = Files.createTempFile("genstream-soak", ".log");
            // A fixed, pre-touched heap: RSS then shows native growth only, and the serial collector as ./genstream runs it.
            Process app = ServiceJvm.launch(ServiceJvm.writeConfig(c), log, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC");
            long t0 = System.nanoTime();
            try (CommittedReader reader = new CommittedReader(c);
                 JvmMemorySampler sampler = new JvmMemorySampler(app.pid(), 3000, () -> reader.completions.size());
                 var serde = GenstreamSerdes.forClass(PromptRequest.class, c.kafka(), false);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(c), new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                String topic = c.get(GenstreamConfig.TOPIC_PROMPTS);
                for (int i = 0; i < REQUESTS; i++) {
                    int sent = i;
                    reader.until(r -> sent - r.completions.size() < WINDOW, Duration.ofSeconds(300));
                    PromptRequest r = requests.get(i);
                    producer.send(new ProducerRecord<>(topic, r.getRequestId(), serde.serializer().serialize(topic, r)));
                }
                producer.flush();
                reader.until(r -> r.completions.size() >= REQUESTS, Duration.ofSeconds(600));
                double minutes = (System.nanoTime() - t0) / 6e10;
                reader.settle(Duration.ofSeconds(3));
                List<JvmMemorySampler.Sample> all = sampler.samples();

                assertThat(reader.completions).as("completions (log: %s)", log).hasSize(REQUESTS);
                for (PromptRequest r : requests) {
                    String id = r.getRequestId();
                    assertThat(reader.completions.get(id)).as(id + " completions").hasSize(1);
                    List<TokenEvent> ts = reader.tokensOf(id);
                    assertThat(ts.stream().map(TokenEvent::getIndex).toList()).as(id + " indices")
                            .containsExactlyElementsOf(IntStream.range(0, ts.size()).boxed().toList());
                }
                ServiceJvm.assertExactlyOnce(checked, id -> reader.completions.getOrDefault(id, List.of()), reader::tokensOf, expected);
                assertThat(env.keys(c, c.get(GenstreamConfig.TOPIC_DLQ), Duration.ofSeconds(2))).as("dead letters").isEmpty();

                List<JvmMemorySampler.Sample> steady = all.stream().filter(s -> s.progress() >= WARM_UP * REQUESTS).toList();
                assertThat(steady).as("samples after warm-up").hasSizeGreaterThanOrEqualTo(10);
                double[] t = steady.stream().mapToDouble(s -> s.atMs() / 60_000.0).toArray();
                double heapSlope = JvmMemorySampler.slope(t, steady.stream().mapToDouble(s -> s.heapBytes() / 1e6).toArray());
                double rssSlope = JvmMemorySampler.slope(t, steady.stream().mapToDouble(s -> s.rssBytes() / 1e6).toArray());
                double perMinute = JvmMemorySampler.slope(t, steady.stream().mapToDouble(JvmMemorySampler.Sample::progress).toArray());
                System.out.printf("[soak] %d requests in %.1f min (%.0f/min after warm-up), %d samples (%d after warm-up)%n",
                        REQUESTS, minutes, perMinute, all.size(), steady.size());
                System.out.printf("[soak] heap after GC %s MB -> %s MB, slope %+.3f MB/min (%+.0f B/request; bound %.0f)%n",
                        mb(steady.getFirst().heapBytes()), mb(steady.getLast().heapBytes()), heapSlope, heapSlope * 1e6 / perMinute, HEAP_BYTES_PER_REQUEST);
                System.out.printf("[soak] RSS %s MB -> %s MB, slope %+.3f MB/min (%+.0f B/request; bound %.0f)%n",
                        mb(steady.getFirst().rssBytes()), mb(steady.getLast().rssBytes()), rssSlope, rssSlope * 1e6 / perMinute, RSS_BYTES_PER_REQUEST);
                System.out.println("[soak] samples (s, heap MB, RSS MB, completions): " + all.stream()
                        .map(s -> String.format("%d/%s/%s/%d", s.atMs() / 1000, mb(s.heapBytes()), mb(s.rssBytes()), s.progress())).toList());
                assertThat(heapSlope).as("heap slope, MB/min").isLessThan(perMinute * HEAP_BYTES_PER_REQUEST / 1e6);
                assertThat(rssSlope).as("RSS slope, MB/min").isLessThan(perMinute * RSS_BYTES_PER_REQUEST / 1e6);
            } finally {
                app.destroyForcibly().waitFor();
            }
        }
    }

    private static Map<String, Object> producerProps(GenstreamConfig c) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("enable.idempotence", "true");
        props.put("linger.ms", "5");
        return props;
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1e6);
    }
}
