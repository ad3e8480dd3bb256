package dev.genstream.app.streams;

import dev.genstream.app.embedded.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded KRaft broker in a JVM of its own, so a test can stop it gracefully (SIGTERM: controlled shutdown)
 * or crash it (SIGKILL: no flush, no clean shutdown marker) and start it again on the same data dir and port.
 */
final class BrokerProcess implements AutoCloseable {
    private final Process process;

    private BrokerProcess(Process process) {
        this.process = process;
    }

    /** Starts a broker with its data under {@code dir} on {@code port}; returns once it answers. */
    static BrokerProcess start(Path dir, int port, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                dir.toString(), Integer.toString(port));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // "ready" once the broker answers, or end of stream if it failed
        if (!"ready".equals(line)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("the broker did not start (see " + log + ")");
        }
        Thread.ofVirtual().start(() -> { // keep the pipe drained
            try {
                while (out.readLine() != null) { /* nothing */ }
            } catch (IOException ignored) {
                // the broker died
            }
        });
        return new BrokerProcess(p);
    }

    /** SIGTERM: the broker shuts down cleanly (controlled shutdown, logs flushed). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the broker did not stop within 60 s");
    }

    /** SIGKILL: the broker dies as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), false, Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
