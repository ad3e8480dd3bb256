package dev.genstream.app.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/** The running service: topics checked or created, the model loaded, and the Kafka Streams topology started. */
public final class GenstreamApp implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GenstreamApp.class.getName());

    private final KafkaStreams streams;
    private final ModelService service;
    private final CountDownLatch stopped;
    private boolean closed;

    private GenstreamApp(KafkaStreams streams, ModelService service, CountDownLatch stopped) {
        this.streams = streams;
        this.service = service;
        this.stopped = stopped;
    }

    public static GenstreamApp start(GenstreamConfig c) throws Exception {
        if (c.getBool(GenstreamConfig.TOPICS_CREATE)) createTopics(c);
        ModelService service = ModelService.fromConfig(c);
        try {
            var topology = GenstreamTopology.build(c, service, new RegistryAvroSerdes(c.kafka()),
                    AvroSubjects.of(dev.genstream.app.registry.SchemaRegistryClient.fromConfig(c.kafka())));
            KafkaStreams streams = new KafkaStreams(topology, c.streamsProperties());
            streams.setUncaughtExceptionHandler(e -> {
                LOG.severe("stream thread failed: " + e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            CountDownLatch stopped = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) stopped.countDown();
            });
            streams.start();
            return new GenstreamApp(streams, service, stopped);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    /** Creates the input and output topics that do not exist yet. */
    static void createTopics(GenstreamConfig c) throws Exception {
        int partitions = c.getInt(GenstreamConfig.TOPIC_PARTITIONS);
        short rf = (short) c.getInt(GenstreamConfig.TOPIC_REPLICATION);
        try (Admin admin = Admin.create(c.kafka())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String key : List.of(GenstreamConfig.TOPIC_PROMPTS, GenstreamConfig.TOPIC_TOKENS, GenstreamConfig.TOPIC_COMPLETIONS, GenstreamConfig.TOPIC_DLQ,
                    GenstreamConfig.TOPIC_SCORES, GenstreamConfig.TOPIC_STRUCTURED)) {
                String name = c.get(key);
                if (!existing.contains(name)) missing.add(new NewTopic(name, Optional.of(partitions), Optional.of(rf)));
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) throw e;
                }
            }
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public ModelService service() {
        return service;
    }

    /** Blocks until the streams client has stopped (closed or failed). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Waits until the app is processing (or fails), up to the timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) return true;
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) return false;
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        streams.close(Duration.ofSeconds(30));
        service.close();
    }
}
