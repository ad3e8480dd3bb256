package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unreachable Kafka or registry at start: one line naming the address, within genstream.startup.timeout.ms. */
@Timeout(180)
class PreflightTest {
    @TempDir
    Path dir;

    /** A loopback port nobody listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path config(String... lines) throws IOException {
        return Files.writeString(dir.resolve("g.properties"), String.join("\n", lines) + "\n");
    }

    @Test
    void unreachableKafkaFailsEveryClientCommandWithinTheTimeoutInOneLine() throws Exception {
        String bootstrap = "127.0.0.1:" + closedPort();
        Path config = config("bootstrap.servers=" + bootstrap, "genstream.startup.timeout.ms=3000");
        for (String[] args : new String[][] {
                {"produce", "--config", config.toString(), "--file", Files.writeString(dir.resolve("p.jsonl"), "{\"prompt\":\"x\"}\n").toString()},
                {"tail", "--config", config.toString(), "--max-seconds", "1"},
                {"run", "--config", config.toString()}}) {
            long t0 = System.nanoTime();
            CliContractTest.Run r = CliContractTest.run(args);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(r.exit()).as(args[0]).isEqualTo(1);
            assertThat(r.err().lines().toList()).as(args[0]).singleElement().asString()
                    .startsWith("genstream " + args[0] + ": Kafka is not reachable at " + bootstrap + " (no answer within 3 s)")
                    .contains("check bootstrap.servers");
            assertThat(seconds).as(args[0] + " took %.1f s", seconds).isBetween(2.5, 10.0);
        }
    }

    @Test
    void anUnresolvableHostIsNamedToo() throws Exception {
        CliContractTest.Run r = CliContractTest.run("tail", "-b", "no-such-host.invalid:9092", "--max-seconds", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("genstream tail: Kafka is not reachable at no-such-host.invalid:9092");
    }

    @Test
    void unreachableRegistryFailsInOneLineNamingItsUrl() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String registry = "http://127.0.0.1:" + closedPort();
            Path config = config("bootstrap.servers=" + kafka.bootstrapServers(), "schema.registry.url=" + registry,
                    "genstream.startup.timeout.ms=3000");
            CliContractTest.Run r = CliContractTest.run("produce", "--config", config.toString(), "--file",
                    Files.writeString(dir.resolve("p.jsonl"), "{\"prompt\":\"x\"}\n").toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().lines().toList()).singleElement().asString()
                    .startsWith("genstream produce: schema registry is not reachable at " + registry)
                    .contains("check schema.registry.url");
        }
    }
}
