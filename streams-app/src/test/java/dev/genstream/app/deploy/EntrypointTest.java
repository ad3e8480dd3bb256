package dev.genstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.Main;
import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's command line without Docker: the same /app layout the Dockerfile copies (genstream.jar, and lib/ =
 * target/service-lib plus the engine and schema jars, so no broker or Scala jar), deploy/entrypoint.sh as the
 * entrypoint, the image's default arguments, and deploy/genstream.properties with only the addresses, model, state
 * dir and names changed. It serves the sample prompts from deploy/samples and stops cleanly on SIGTERM.
 */
@Timeout(300)
class EntrypointTest {
    @TempDir
    Path dir;

    @Test
    void theEntrypointServesTheSamplePromptsFromTheLeanClassPath() throws Exception {
        Path app = image(dir.resolve("app"));
        try (Stream<Path> jars = Files.list(app.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("kafka-streams-")).anyMatch(n -> n.startsWith("model-engine"))
                    .noneMatch(n -> n.startsWith("kafka_2.13") || n.startsWith("scala-") || n.startsWith("kafka-server") || n.startsWith("kafka-raft"));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            int port = freePort();
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(DeployFilesTest.DEPLOY.resolve("genstream.properties"))) {
                p.load(r);
            }
            String id = "deploy-" + UUID.randomUUID().toString().substring(0, 8);
            p.setProperty("bootstrap.servers", kafka.bootstrapServers());
            p.setProperty("schema.registry.url", registry.url());
            p.setProperty("application.id", id);
            p.setProperty("state.dir", dir.resolve("state").toString());
            p.setProperty(GenstreamConfig.MODEL_PATH, BundledModel.path().toString());
            p.setProperty(GenstreamConfig.HTTP_PORT, Integer.toString(port));
            p.setProperty(GenstreamConfig.THREADS, "1");
            p.setProperty(GenstreamConfig.TOPIC_PARTITIONS, "2");
            for (String topic : List.of(GenstreamConfig.TOPIC_PROMPTS, GenstreamConfig.TOPIC_TOKENS, GenstreamConfig.TOPIC_COMPLETIONS, GenstreamConfig.TOPIC_DLQ)) {
                p.setProperty(topic, id + "-" + p.getProperty(topic));
            }
            Path config = dir.resolve("genstream.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, "deploy/genstream.properties with this test's addresses");
            }
            Path log = dir.resolve("entrypoint.log");
            ProcessBuilder pb = new ProcessBuilder("sh", DeployFilesTest.DEPLOY.resolve("entrypoint.sh").toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("GENSTREAM_APP_DIR", app.toString());
            pb.environment().put("JAVA_HOME", Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent().toString());
            pb.environment().put("JAVA_OPTS", "-Xmx512m");
            pb.environment().remove("HOSTNAME");
            Process service = pb.start();
            try {
                awaitReady("http://127.0.0.1:" + port + "/health/ready", service, log);
                Run produced = run("produce", "--config", config.toString(), "--file",
                        DeployFilesTest.DEPLOY.resolve("samples/prompts.jsonl").toString());
                assertThat(produced.exit()).as(produced.err()).isZero();
                String out = "";
                for (int i = 0; i < 8 && out.lines().filter(l -> l.startsWith("completion sample-")).count() < 4; i++) {
                    out = run("tail", "--config", config.toString(), "--from-beginning", "--no-tokens", "--max-seconds", "6").out();
                }
                assertThat(out.lines().filter(l -> l.startsWith("completion sample-"))).as("log: %s", log).hasSize(4);
                service.destroy(); // SIGTERM, as Kubernetes stops a pod
                assertThat(service.waitFor(35, TimeUnit.SECONDS)).as("stops within the shutdown timeout").isTrue();
                assertThat(Files.readString(log)).doesNotContain("Exception").doesNotContain("NoClassDefFoundError");
            } finally {
                service.destroyForcibly().waitFor();
            }
        }
    }

    record Run(int exit, String out, String err) {}

    /** A client command in this JVM, its output captured. */
    static synchronized Run run(String... args) {
        java.io.PrintStream oldOut = System.out, oldErr = System.err;
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** /app as the Dockerfile lays it out, from this build's classes and target/service-lib. */
    static Path image(Path app) throws IOException {
        Path lib = Files.createDirectories(app.resolve("lib"));
        Path target = Path.of(System.getProperty("genstream.home", "..")).resolve("streams-app/target");
        jar(target.resolve("classes"), app.resolve("genstream.jar"));
        try (Stream<Path> jars = Files.list(target.resolve("service-lib"))) {
            for (Path j : jars.toList()) Files.copy(j, lib.resolve(j.getFileName()));
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path e = Path.of(entry);
            boolean ours = entry.contains("model-engine") || entry.contains("schemas");
            if (!ours || entry.contains("test-classes") || entry.contains("tests.jar")) continue;
            if (Files.isDirectory(e)) jar(e, lib.resolve(e.getParent().getParent().getFileName() + ".jar"));
            else Files.copy(e, lib.resolve(e.getFileName()));
        }
        return app;
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    private static void awaitReady(String url, Process service, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("the service exited:%n%s", Files.readString(log)).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                seen.add(r.body().strip());
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // the JVM is still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready in time; answers " + seen + "; log:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
