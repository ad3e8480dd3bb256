package dev.genstream.app.cli;

import dev.genstream.app.streams.GenstreamConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where Kafka and the registry are: a config file and/or flags (flags win, environment variables win over both). */
public final class KafkaOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file (Kafka keys plus genstream.*)")
    Path config;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
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
        if (c.get("bootstrap.servers", null) == null) {
            throw new IllegalArgumentException("no Kafka given: pass --config FILE with bootstrap.servers, or --bootstrap-servers");
        }
        return c;
    }
}
