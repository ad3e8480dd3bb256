package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.testing.BundledModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `demo --chat`: the embedded stack plus the gateway, whose printed URL serves the page and answers a chat. */
class DemoChatTest {
    @TempDir
    Path dir;

    @Test
    void printsThePageUrlAndAnswers() throws Exception {
        Path log = dir.resolve("demo.log");
        Process p = TestStack.launch(log, List.of("demo", "--chat", "--port", "0", "--model", BundledModel.path().toString(), "--threads", "1"));
        try {
            Pattern url = Pattern.compile("chat page: (http://\\S+/)");
            Matcher m = null;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline && p.isAlive()) {
                m = url.matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) break;
                m = null;
                Thread.sleep(300);
            }
            assertThat(m).as("demo output:\n" + (Files.exists(log) ? Files.readString(log) : "")).isNotNull();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("genstream chat");
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"Blessed are\"}],\"max_tokens\":5,\"seed\":1}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(chat.body()).contains("\"completion_tokens\":5").contains("\"finish_reason\":\"length\"");
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
