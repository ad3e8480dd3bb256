package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.TokenEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A read_committed reader on its own thread, remembering when each token event arrived. */
final class CommittedReader implements AutoCloseable {
    final Map<String, List<TokenEvent>> tokensById = new ConcurrentHashMap<>();
    final List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    final Map<String, List<Completion>> completions = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    CommittedReader(GenstreamConfig c) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "committed-reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        var tokenDe = GenstreamSerdes.forClass(TokenEvent.class, c.kafka(), false).deserializer();
        var completionDe = GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer();
        String tokenTopic = c.get(GenstreamConfig.TOPIC_TOKENS);
        thread = Thread.ofPlatform().name("committed-reader").start(() -> {
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

    void until(java.util.function.Predicate<CommittedReader> done, Duration timeout) throws InterruptedException {
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
