package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `genstream gateway -c FILE --port 0` in a JVM of its own, in front of a running service. */
class GatewayCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesTheApiFromItsConfigFile() throws Exception {
        try (TestStack stack = new TestStack()) {
            GenstreamConfig c = stack.config("gwcmd", dir.resolve("state"), Map.of(GenstreamConfig.GATEWAY_API_KEYS, "cmd-key"));
            try (GenstreamApp app = GenstreamApp.start(c)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                Path log = dir.resolve("gateway.log");
                Process p = TestStack.launch(log, List.of("gateway", "-c", TestStack.write(c, dir.resolve("g.properties")).toString(), "--port", "0"));
                try {
                    Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/)");
                    Matcher m = null;
                    long deadline = System.nanoTime() + 90_000_000_000L;
                    while (m == null && System.nanoTime() < deadline && p.isAlive()) {
                        Matcher x = listening.matcher(Files.exists(log) ? Files.readString(log) : "");
                        if (x.find()) m = x;
                        else Thread.sleep(300);
                    }
                    assertThat(m).as(Files.exists(log) ? Files.readString(log) : "no output").isNotNull();
                    HttpClient http = HttpClient.newHttpClient();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "v1/chat/completions"))
                            .header("Authorization", "Bearer cmd-key")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"Honour thy\"}],\"max_tokens\":3}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(r.body()).contains("\"object\":\"chat.completion\"").contains("\"completion_tokens\":3");
                    HttpResponse<String> noKey = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "v1/models")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(noKey.statusCode()).isEqualTo(401);
                } finally {
                    p.destroy();
                    p.waitFor();
                }
            }
        }
    }
}
