package dev.genstream.app.streams;

import dev.genstream.app.registry.RegistryConfig;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.app.registry.SchemaRegistryException;
import dev.genstream.app.registry.WireFormat;
import dev.genstream.schemas.PromptRequest;
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
    private final DeadLetterCounts deadLetters;
    private final CountDownLatch stopped;
    private final Duration shutdownTimeout;
    private final boolean leaveGroup;
    private final BrokerWatch brokerWatch;
    private boolean closed;

    private GenstreamApp(KafkaStreams streams, ModelService service, DeadLetterCounts deadLetters, CountDownLatch stopped, GenstreamConfig c,
                         BrokerWatch brokerWatch) {
        this.streams = streams;
        this.brokerWatch = brokerWatch;
        this.service = service;
        this.deadLetters = deadLetters;
        this.stopped = stopped;
        this.shutdownTimeout = Duration.ofMillis(c.getLong(GenstreamConfig.SHUTDOWN_TIMEOUT_MS));
        this.leaveGroup = c.getBool(GenstreamConfig.SHUTDOWN_LEAVE_GROUP);
    }

    public static GenstreamApp start(GenstreamConfig c) throws Exception {
        if (c.getBool(GenstreamConfig.TOPICS_CREATE)) createTopics(c);
        registerInputSchema(c);
        ModelService service = ModelService.fromConfig(c);
        try {
            DeadLetterCounts deadLetters = new DeadLetterCounts();
            var topology = GenstreamTopology.build(c, service, new RegistryAvroSerdes(c.kafka()),
                    AvroSubjects.of(dev.genstream.app.registry.SchemaRegistryClient.fromConfig(c.kafka())), deadLetters);
            KafkaStreams streams = new KafkaStreams(topology, c.streamsProperties());
            streams.setUncaughtExceptionHandler(e -> {
                LOG.severe("stream thread failed: " + e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            CountDownLatch stopped = new CountDownLatch(1);
            TaskMoves moves = new TaskMoves();
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) stopped.countDown();
                if (now == KafkaStreams.State.REBALANCING && before == KafkaStreams.State.RUNNING) {
                    LOG.info("rebalancing: partitions are moving between instances (one joined, left or lost the broker); their requests "
                            + "pause and resume from the last commit. Nothing to do unless it keeps repeating: then look for instances "
                            + "that restart or cannot reach Kafka");
                } else if (now == KafkaStreams.State.RUNNING && before == KafkaStreams.State.REBALANCING) {
                    LOG.info("running: the rebalance is over; moved requests resume from their last committed token");
                    moves.log(streams);
                }
            });
            BrokerWatch watch = BrokerWatch.start(c, Duration.ofSeconds(2), Duration.ofSeconds(5));
            try {
                streams.start();
            } catch (RuntimeException e) {
                watch.close();
                throw e;
            }
            return new GenstreamApp(streams, service, deadLetters, stopped, c, watch);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    /**
     * Registers the prompts topic's value schema up front, so producers configured with {@code use.latest.version}
     * (and no auto-registration) work before the first Java producer has sent anything.
     */
    static void registerInputSchema(GenstreamConfig c) {
        String subject = WireFormat.subject(c.get(GenstreamConfig.TOPIC_PROMPTS), false);
        if (!RegistryConfig.from(c.kafka()).autoRegisterSchemas()) return;
        try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
            client.register(subject, PromptRequest.getClassSchema());
        } catch (SchemaRegistryException e) {
            LOG.warning("could not register " + subject + " (" + e.getMessage() + "); producers that use the latest "
                    + "version must wait for it to be registered");
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

    public DeadLetterCounts deadLetters() {
        return deadLetters;
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

    /**
     * Stops within {@code genstream.shutdown.timeout.ms}, even with the broker gone: Kafka Streams gets the budget
     * less a little for the scheduler. With {@code genstream.shutdown.leave.group} (default) the instance leaves
     * the group, static member or not, so its partitions move at once (scale-in); false keeps the membership for
     * a restart that returns within the session timeout (a rolling restart).
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        long t0 = System.nanoTime();
        Duration forStreams = shutdownTimeout.minus(Duration.ofSeconds(2));
        if (forStreams.isNegative()) forStreams = shutdownTimeout.dividedBy(2);
        brokerWatch.close();
        boolean clean = streams.close(new KafkaStreams.CloseOptions().timeout(forStreams).leaveGroup(leaveGroup));
        service.close();
        if (!clean) {
            LOG.warning(String.format("Kafka Streams did not close within %d ms (is the broker reachable?); stopped anyway, "
                    + "uncommitted work resumes from the last commit on the next start", forStreams.toMillis()));
        }
        LOG.fine(() -> String.format("closed in %d ms", (System.nanoTime() - t0) / 1_000_000));
    }
}
