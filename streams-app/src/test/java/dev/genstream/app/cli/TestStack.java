package dev.genstream.app.cli;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A real in-JVM broker and registry for the client commands' tests, and configs with topics of their own. */
final class TestStack implements AutoCloseable {
    final EmbeddedKafka kafka;
    final EmbeddedSchemaRegistry registry;

    TestStack() throws Exception {
        kafka = EmbeddedKafka.start();
        registry = new EmbeddedSchemaRegistry().start();
    }

    /** A service config on topics named {@code <name>-...}; {@code overrides} win. */
    GenstreamConfig config(String name, Path stateDir, Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("schema.registry.url", registry.url());
        m.put("application.id", "app-" + name);
        m.put("state.dir", stateDir.toString());
        m.put(GenstreamConfig.TOPIC_PROMPTS, name + "-prompts");
        m.put(GenstreamConfig.TOPIC_TOKENS, name + "-tokens");
        m.put(GenstreamConfig.TOPIC_COMPLETIONS, name + "-completions");
        m.put(GenstreamConfig.TOPIC_DLQ, name + "-dlq");
        m.put(GenstreamConfig.TOPIC_PARTITIONS, "2");
        m.put(GenstreamConfig.MODEL_PATH, BundledModel.path().toString());
        m.put(GenstreamConfig.THREADS, "1");
        m.putAll(overrides);
        return GenstreamConfig.of(m, Map.of());
    }

    static Path write(GenstreamConfig c, Path file) throws IOException {
        Properties p = new Properties();
        p.putAll(c.asMap());
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    /** The genstream command line in a JVM of its own (so it can be killed), output appended to {@code log}. */
    static Process launch(Path log, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.genstream.app.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
