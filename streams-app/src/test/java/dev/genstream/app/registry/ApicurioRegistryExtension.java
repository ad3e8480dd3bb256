package dev.genstream.app.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a real Apicurio Registry (the distribution the build unpacks into target/apicurio) as a child process,
 * once per test JVM, and injects {@link Apicurio} into test methods and {@code @BeforeAll} methods. The process
 * lives in the root store, so JUnit closes it after the last test; a shutdown hook covers an aborted run.
 */
public final class ApicurioRegistryExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ApicurioRegistryExtension.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /** A running registry; {@link #ccompatUrl()} is its Confluent-compatible API base. */
    public static final class Apicurio implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path log;
        private final Thread hook;

        private Apicurio(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
            this.hook = new Thread(this::kill, "apicurio-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        public String ccompatUrl() {
            return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
        }

        public long pid() {
            return process.pid();
        }

        @Override
        public void close() {
            kill();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook itself is running
            }
        }

        private void kill() {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        registry(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Apicurio.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return registry(c);
    }

    static Apicurio registry(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Apicurio.class, k -> start(), Apicurio.class);
    }

    private static Apicurio start() {
        Path runJar = findRunJar(Path.of(System.getProperty("genstream.apicurio.home", "target/apicurio")));
        int port = freePort();
        int managementPort = freePort();
        Path log = runJar.getParent().resolveSibling("apicurio-" + port + ".log");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-jar", runJar.toString())
                .directory(runJar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Apicurio Registry with " + java, e);
        }
        Apicurio registry = new Apicurio(process, port, log);
        try {
            awaitReady(registry);
        } catch (RuntimeException | Error e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private static void awaitReady(Apicurio registry) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create(registry.ccompatUrl() + "/subjects");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (http) {
            while (System.nanoTime() < deadline) {
                if (!registry.process.isAlive()) {
                    throw new IllegalStateException("Apicurio Registry exited with status "
                            + registry.process.exitValue() + " before it was ready. Its log:\n" + tail(registry.log));
                }
                try {
                    var r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) return;
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
        }
        throw new IllegalStateException("Apicurio Registry was not ready at " + probe + " within " + READY_TIMEOUT
                + ". Its log:\n" + tail(registry.log));
    }

    private static Path findRunJar(Path home) {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("no Apicurio Registry distribution at " + home.toAbsolutePath()
                    + ": the build unpacks it there in generate-test-resources (mvn -pl streams-app -am verify)");
        }
        try (Stream<Path> files = Files.walk(home, 4)) {
            return files.filter(f -> f.getFileName().toString().equals("quarkus-run.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no quarkus-run.jar under " + home.toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }
}
