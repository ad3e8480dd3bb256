package dev.genstream.app.cli;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.gateway.Gateway;
import dev.genstream.app.http.HttpEndpoint;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A complete local stack that stays up: an embedded KRaft broker and schema registry with their data in one folder
 * (kept across restarts), the service on the given model, and the HTTP endpoint. Client commands find it through
 * {@link LocalStack}'s file.
 */
@Command(name = "up", description = {"Start a local stack and serve until Ctrl-C: an embedded Kafka broker (KRaft) and schema registry",
        "with their data in --data-dir (kept across restarts), the service, and /metrics and /health.",
        "Then, in another terminal: ./genstream produce --file my.jsonl, and ./genstream tail."})
public final class UpCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker, registry and state data (default: $GENSTREAM_DATA_DIR, else ~/.genstream/local)")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: the one this data dir had last time if free, else any free port)")
    int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081", description = "Schema registry port (default: ${DEFAULT-VALUE}; 0: any free port)")
    int registryPort;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "9464", description = "Metrics and health port (default: ${DEFAULT-VALUE}; 0: any free port)")
    int httpPort;

    @Option(names = "--gateway-port", paramLabel = "PORT",
            description = "Also serve the OpenAI-compatible gateway and chat page on this port (or set genstream.gateway.port in --config; 0: any free port)")
    Integer gatewayPort;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Service settings (genstream.* and Kafka Streams keys); addresses come from the stack")
    Path config;

    private final Object lifecycle = new Object();
    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;
    private HttpEndpoint http;
    private GenstreamApp app;
    private Gateway gateway;
    private boolean stopped;

    @Override
    public Integer call() throws Exception {
        Path dir = (dataDir != null ? dataDir : LocalStack.defaultDir()).toAbsolutePath();
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve("up.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) throw new IllegalStateException("a local stack is already serving from " + dir + ": stop it (Ctrl-C) or pass another --data-dir");
            return serve(dir);
        }
    }

    private int serve(Path dir) throws Exception {
        checkFree("--kafka-port", kafkaPort);
        checkFree("--registry-port", registryPort);
        checkFree("--http-port", httpPort);
        Path modelPath = model.path();
        System.err.printf("genstream up: starting Kafka (KRaft) and the schema registry with data in %s, then the service...%n", dir);
        Thread hook = new Thread(() -> stop(dir), "genstream-up-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        GenstreamConfig c;
        synchronized (lifecycle) {
            http = HttpEndpoint.start("127.0.0.1", httpPort);
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), false, kafkaPort);
            registry = new EmbeddedSchemaRegistry().withJournal(dir.resolve("registry").resolve("schemas.jsonl")).start(registryPort);
            c = config(dir, modelPath);
            app = GenstreamApp.start(c);
            http.serve(app);
        }
        if (!app.awaitRunning(java.time.Duration.ofSeconds(120))) {
            throw new IllegalStateException("the service did not start (Kafka Streams is " + app.streams().state() + "); see the log above");
        }
        Map<String, String> addresses = new HashMap<>();
        addresses.put("bootstrap.servers", kafka.bootstrapServers());
        addresses.put("schema.registry.url", registry.url());
        addresses.put("application.id", c.get("application.id"));
        addresses.put(LocalStack.HTTP_URL, http.url());
        if (c.get(GenstreamConfig.GATEWAY_PORT, null) != null) {
            synchronized (lifecycle) {
                gateway = Gateway.start(c);
            }
            System.out.printf("genstream up: gateway and chat page at %s%n", gateway.url());
        }
        LocalStack.write(dir, addresses);
        System.out.printf("""
                genstream up: serving model '%s' (%s)
                  Kafka      %s
                  registry   %s
                  metrics    %s/metrics   (health: %s/health/ready)
                  data       %s
                In another terminal: ./genstream produce --file my.jsonl   and   ./genstream tail   (Ctrl-C here stops the stack)
                """, app.service().alias(), modelPath.getFileName(), kafka.bootstrapServers(), registry.url(), http.url(), http.url(), dir);
        System.out.flush();
        app.awaitStopped();
        boolean failed = app.streams().state() == KafkaStreams.State.ERROR;
        stop(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is already running stop()
        }
        return failed ? 1 : 0;
    }

    /** The --config file's settings, the stack's defaults where it is silent, and the stack's addresses always. */
    private GenstreamConfig config(Path dir, Path modelPath) throws IOException {
        Map<String, String> m = new HashMap<>();
        if (config != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(config)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        }
        if (model.model != null || !m.containsKey(GenstreamConfig.MODEL_PATH)) m.put(GenstreamConfig.MODEL_PATH, modelPath.toString());
        if (model.threads != null || !m.containsKey(GenstreamConfig.THREADS)) m.put(GenstreamConfig.THREADS, Integer.toString(model.threads()));
        m.putIfAbsent("application.id", "genstream-local");
        // One instance per data dir: a fixed member id, so a restart takes its partitions back at once.
        m.putIfAbsent("group.instance.id", "genstream-up");
        m.put(GenstreamConfig.TOPIC_REPLICATION, "1");
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("schema.registry.url", registry.url());
        m.put("state.dir", dir.resolve("state").toString());
        m.put(GenstreamConfig.HTTP_PORT, Integer.toString(http.port()));
        if (gatewayPort != null) m.put(GenstreamConfig.GATEWAY_PORT, Integer.toString(gatewayPort));
        return GenstreamConfig.of(m, System.getenv());
    }

    /** Stops everything that started, newest first; safe to call twice (main thread and Ctrl-C hook). */
    private void stop(Path dir) {
        synchronized (lifecycle) {
            if (stopped) return;
            stopped = true;
            LocalStack.delete(dir);
            if (gateway != null) gateway.close();
            if (app != null) app.close();
            if (http != null) http.close();
            if (registry != null) registry.close();
            if (kafka != null) kafka.close();
            System.err.println("genstream up: stopped; data kept in " + dir);
        }
    }

    private static void checkFree(String option, int port) {
        if (port == 0) return;
        try (ServerSocket s = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use (is another Kafka or registry running?): pass " + option + " with another port, or 0 for any free one");
        }
    }
}
