package dev.genstream.app.gateway;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The answers for this gateway's requests, and only those. The service keys tokens, completions and dead letters
 * by request id with Kafka's default partitioner, so a gateway that picks request ids whose partition it owns
 * (instance i of N owns partitions p with p % N == i) reads just its own partitions: no consumer group, no
 * header echo, no change to the service. Read committed, from the end at start-up.
 */
public final class Replies implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Replies.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaConsumer<String, byte[]> consumer;
    private final String tokens, completions, dlq;
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    private final int instance, instances;
    private final Deserializer<TokenEvent> tokenDe;
    private final Deserializer<Completion> completionDe;
    private final Deserializer<DeadLetter> deadLetterDe;
    private final Map<String, Consumer<Object>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicLong recordsRead = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    public Replies(GenstreamConfig c, int instance, int instances, Duration waitForTopics) {
        this.tokens = c.get(GenstreamConfig.TOPIC_TOKENS);
        this.completions = c.get(GenstreamConfig.TOPIC_COMPLETIONS);
        this.dlq = c.get(GenstreamConfig.TOPIC_DLQ);
        this.instance = instance;
        this.instances = instances;
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.tokenDe = GenstreamSerdes.forClass(TokenEvent.class, c.kafka(), false).deserializer();
        this.completionDe = GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer();
        this.deadLetterDe = GenstreamSerdes.forClass(DeadLetter.class, c.kafka(), false).deserializer();
        try {
            List<TopicPartition> owned = ownedPartitions(waitForTopics);
            consumer.assign(owned);
            consumer.seekToEnd(owned);
            owned.forEach(consumer::position); // fix the start now: answers to requests sent after this are seen
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().name("gateway-replies").daemon().start(this::loop);
    }

    private List<TopicPartition> ownedPartitions(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<TopicPartition> owned = new ArrayList<>();
        for (String topic : List.of(tokens, completions, dlq)) {
            List<org.apache.kafka.common.PartitionInfo> found;
            while ((found = consumer.partitionsFor(topic, Duration.ofSeconds(5))) == null || found.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " does not exist; start the service (genstream run) on this cluster first");
                }
                sleep(500);
            }
            int n = found.size();
            if (n < instances) {
                throw new IllegalArgumentException("topic " + topic + " has " + n + " partitions, fewer than " + instances
                        + " gateway instances; each instance needs a partition of its own");
            }
            partitionCounts.put(topic, n);
            for (int p = instance; p < n; p += instances) owned.add(new TopicPartition(topic, p));
        }
        return owned;
    }

    /** A fresh request id whose answers land on partitions this instance reads. */
    public String newRequestId(String prefix) {
        byte[] b = new byte[12];
        while (true) {
            RANDOM.nextBytes(b);
            String id = prefix + HexFormat.of().formatHex(b);
            if (owns(id)) return id;
        }
    }

    boolean owns(String requestId) {
        byte[] key = requestId.getBytes(StandardCharsets.UTF_8);
        int hash = Utils.toPositive(Utils.murmur2(key));
        for (int n : partitionCounts.values()) {
            if ((hash % n) % instances != instance) return false;
        }
        return true;
    }

    /** Routes every TokenEvent, Completion or DeadLetter of {@code requestId} to {@code listener} (reader thread). */
    public void listen(String requestId, Consumer<Object> listener) {
        listeners.put(requestId, listener);
    }

    public void forget(String requestId) {
        listeners.remove(requestId);
    }

    /** Every record this instance has read, its own or not: the cost of routing. */
    public long recordsRead() {
        return recordsRead.get();
    }

    private void loop() {
        while (!closed) {
            try {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    recordsRead.incrementAndGet();
                    Consumer<Object> l = r.key() == null ? null : listeners.get(r.key());
                    if (l == null) continue; // another process's request, or one whose client is gone
                    try {
                        l.accept(r.topic().equals(tokens) ? tokenDe.deserialize(r.topic(), r.value())
                                : r.topic().equals(completions) ? completionDe.deserialize(r.topic(), r.value())
                                : deadLetterDe.deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) { // one unreadable record must not stop the others
                        LOG.log(Level.WARNING, "gateway: skipping unreadable record " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
                    }
                }
            } catch (WakeupException e) {
                if (closed) break;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "gateway: reading replies failed; retrying", e);
                sleep(1000);
            }
        }
        consumer.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
