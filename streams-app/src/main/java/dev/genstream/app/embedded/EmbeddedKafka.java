package dev.genstream.app.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft broker (combined broker + controller) inside this JVM, on loopback ports: storage is
 * formatted like {@code kafka-storage format}, then {@link KafkaRaftServer} starts. For the demo and the tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final Path dir;
    private final boolean ownsDir;
    private final String bootstrap;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path dir, boolean ownsDir, String bootstrap) {
        this.server = server;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.bootstrap = bootstrap;
    }

    /** Starts a broker with its data in a fresh temporary folder, deleted on close. */
    public static EmbeddedKafka start() throws Exception {
        return start(Files.createTempDirectory("genstream-kafka-"), true);
    }

    public static EmbeddedKafka start(Path dir, boolean ownsDir) throws Exception {
        return start(dir, ownsDir, 0);
    }

    /**
     * A broker on this loopback port with its data under {@code dir}. A folder that already holds a broker's data is
     * reused as it is (same cluster, topics and offsets), so a restart continues where it stopped. Port 0 means the
     * port this folder's broker had last time if it is free (clients only know the bootstrap address: a broker back
     * on another port would be lost to them), else any free one.
     */
    public static EmbeddedKafka start(Path dir, boolean ownsDir, int port) throws Exception {
        Path portFile = dir.resolve("broker.port");
        int brokerPort = port != 0 ? port : previousPort(portFile), controllerPort = freePort();
        String logDir = dir.resolve("data").toString();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir);
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "2");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "2");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // A killed producer's open transaction is aborted this soon after its timeout (broker default 10 s), so it
        // stops blocking read_committed readers of the repartition topic sooner.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));

        if (!Files.exists(Path.of(logDir, "meta.properties"))) format(logDir);
        Files.createDirectories(dir);
        Files.writeString(portFile, Integer.toString(brokerPort));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, dir, ownsDir, "127.0.0.1:" + brokerPort);
        kafka.awaitReady();
        return kafka;
    }

    private static void format(String logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(Optional.of(logDir))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .run();
    }

    private void awaitReady() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The port recorded in {@code file} if it is free now, else any free port. */
    private static int previousPort(Path file) throws IOException {
        if (Files.exists(file)) {
            try (ServerSocket s = new ServerSocket(Integer.parseInt(Files.readString(file).strip()), 0, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException | NumberFormatException taken) {
                // someone else has it now: any free port
            }
        }
        return freePort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (ownsDir) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
    }
}
