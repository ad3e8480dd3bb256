package dev.genstream.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The chat page in Debian's headless chromium (driven by playwright-core): two turns, the second carrying the first. */
class ChatPageBrowserTest {
    @Test
    void twoTurnsStreamAndTheSecondCarriesTheHistory() throws Exception {
        Node.require("playwright-core");
        Assumptions.assumeTrue(Node.onPath("chromium"),
                "chromium is not installed (.ci/run installs it with apt-get; the install failed or was not run): browser test skipped");
        Path shot = Path.of("target/chat-page.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        try (GatewayStack stack = new GatewayStack(Map.of())) {
            Gateway gw = stack.gateway(Map.of(GenstreamConfig.GATEWAY_API_KEYS, "page-key"));
            String stdout = Node.run("browser.mjs", Map.of("GATEWAY_URL", gw.url(), "API_KEY", "page-key",
                    "CHROMIUM", "/usr/bin/chromium", "SCREENSHOT", shot.toString()), 300);
            JsonNode out = new ObjectMapper().readTree(stdout.lines().reduce((a, b) -> b).orElseThrow());
            assertThat(out.get("errors")).as(out.toString()).isEmpty();
            assertThat(Files.size(shot)).isGreaterThan(10_000);
            assertThat(out.get("model").asText()).isEqualTo("kjv-llama-6m");

            // The page sent the whole history: the second request carried the first turn and its reply.
            JsonNode first = out.get("sent").get(0), second = out.get("sent").get(1);
            assertThat(first.get("stream").asBoolean()).isTrue();
            assertThat(first.get("temperature").asDouble()).isEqualTo(0.7);
            assertThat(first.get("messages")).hasSize(1);
            assertThat(second.get("messages")).hasSize(3);
            JsonNode history = out.get("history");
            String reply1 = history.get(1).get("content").asText(), reply2 = history.get(3).get("content").asText();
            assertThat(second.get("messages").get(1).get("content").asText()).isEqualTo(reply1);

            // And so did the records on Kafka; the shown replies are the Completions there.
            String id1 = out.get("ids").get(0).asText(), id2 = out.get("ids").get(1).asText();
            Map<String, List<Completion>> done = stack.completions(Set.of(id1, id2), Duration.ofSeconds(60));
            assertThat(reply1).isEqualTo(done.get(id1).getFirst().getText()).isNotEmpty();
            assertThat(reply2).isEqualTo(done.get(id2).getFirst().getText()).isNotEmpty();
            PromptRequest r2 = stack.prompts(Set.of(id2), Duration.ofSeconds(30)).get(id2).getFirst();
            assertThat(r2.getMessages()).hasSize(3);
            assertThat(r2.getMessages().get(0).getContent()).isEqualTo("And God said");
            assertThat(r2.getMessages().get(1).getRole()).isEqualTo("assistant");
            assertThat(r2.getMessages().get(1).getContent()).isEqualTo(reply1);
            assertThat(r2.getConversationId()).isNotBlank().isEqualTo(done.get(id1).getFirst().getConversationId());
            assertThat(r2.getParams().getSeed()).isEqualTo(3L);
            // The "copy as Kafka record" view shows the last request as it is on Kafka.
            JsonNode record = new ObjectMapper().readTree(out.get("record").asText());
            assertThat(record.get("topic").asText()).isEqualTo(stack.config.get(GenstreamConfig.TOPIC_PROMPTS));
            assertThat(record.get("key").asText()).isEqualTo(r2.getConversationId());
            assertThat(record.get("offset").asLong()).isNotNegative();
            assertThat(record.get("value").get("request_id").asText()).isEqualTo(id2);
            assertThat(record.get("value").get("messages")).hasSize(3);
            assertThat(record.get("value").get("params").get("seed").asLong()).isEqualTo(3L);
        }
    }
}
