package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.streams.GenstreamConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run` with genstream.gateway.port set: the service and the gateway in one process. */
class RunWithGatewayTest {
    @TempDir
    Path dir;

    @Test
    void runStartsTheGatewayWhenItsPortIsSet() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestStack stack = new TestStack()) {
            GenstreamConfig c = stack.config("rungw", dir.resolve("state"), Map.of(GenstreamConfig.GATEWAY_PORT, Integer.toString(port),
                    GenstreamConfig.GATEWAY_API_KEYS, "secret"));
            Path props = TestStack.write(c, dir.resolve("g.properties"));
            Path log = dir.resolve("run.log");
            Process p = TestStack.launch(log, List.of("run", "-c", props.toString()));
            try {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < deadline && p.isAlive() && !(Files.exists(log) && Files.readString(log).contains("gateway listening on"))) {
                    Thread.sleep(300);
                }
                assertThat(Files.readString(log)).contains("gateway listening on http://127.0.0.1:" + port + "/");
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                        .header("Authorization", "Bearer secret")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Thou shalt not\",\"max_tokens\":4}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"object\":\"text_completion\"").contains("\"completion_tokens\":4");
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
    }
}
