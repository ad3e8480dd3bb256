package dev.genstream.app.cli;

import dev.genstream.app.streams.GenstreamConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Kafka and the registry are: a config file and/or flags (flags win, environment variables win over both).
 * With none of them naming Kafka, the local stack of {@code ./genstream up} is used when one is serving.
 */
public final class KafkaOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file (Kafka keys plus genstream.*)")
    Path config;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: the local stack of ./genstream up)")
    String bootstrap;

    @Option(names = {"-r", "--schema-registry-url"}, paramLabel = "URL", description = "Schema registry URL (Confluent API)")
    String registry;

    public GenstreamConfig load() throws IOException {
        Map<String, String> given = new HashMap<>();
        if (bootstrap != null) given.put("bootstrap.servers", bootstrap);
        if (registry != null) given.put("schema.registry.url", registry);
        GenstreamConfig c = config != null ? GenstreamConfig.load(config, System.getenv()) : GenstreamConfig.of(Map.of(), System.getenv());
        for (var e : given.entrySet()) c = c.with(e.getKey(), e.getValue());
        c.warnings().forEach(w -> System.err.println("genstream: warning: " + w));
        if (c.get("bootstrap.servers", null) == null) c = local(c);
        return c;
    }

    /** {@link #load()}, then a check that Kafka and the registry answer (one line and a failure if not). */
    public GenstreamConfig connect() throws IOException {
        GenstreamConfig c = load();
        Preflight.check(c);
        return c;
    }

    private GenstreamConfig local(GenstreamConfig c) {
        Path dir = LocalStack.defaultDir();
        Map<String, String> stack = LocalStack.read(dir);
        if (stack == null) {
            throw new IllegalArgumentException("no Kafka given: pass --config FILE with bootstrap.servers, or --bootstrap-servers, "
                    + "or start a local stack with ./genstream up (none is serving from " + dir + ")");
        }
        for (String key : new String[] {"bootstrap.servers", "schema.registry.url", "application.id"}) {
            boolean keep = key.equals("schema.registry.url") && registry != null;
            if (stack.containsKey(key) && !keep) c = c.with(key, stack.get(key));
        }
        System.err.printf("genstream: no Kafka given; using the local stack of ./genstream up (Kafka %s, registry %s, from %s)%n",
                c.get("bootstrap.servers"), c.get("schema.registry.url"), dir);
        return c;
    }
}
