package dev.genstream.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Two gateway instances in front of one service: each reads only its own partitions; every stream whole, once. */
class TwoGatewaysTest {
    record Streamed(int gateway, String id, String text, int tokenChunks, String finish, boolean done) {}

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyStreamCompleteNothingTwice() throws Exception {
        try (GatewayStack stack = new GatewayStack(Map.of())) {
            List<Gateway> gws = List.of(
                    stack.gateway(Map.of(GenstreamConfig.GATEWAY_INSTANCE, "0", GenstreamConfig.GATEWAY_INSTANCES, "2")),
                    stack.gateway(Map.of(GenstreamConfig.GATEWAY_INSTANCE, "1", GenstreamConfig.GATEWAY_INSTANCES, "2")));
            List<CompletableFuture<Streamed>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int g = i % 2;
                String body = "{\"prompt\":\"" + (i % 3 == 0 ? "In the beginning" : "Blessed are the") + "\",\"max_tokens\":" + (8 + i)
                        + ",\"temperature\":0.8,\"seed\":" + i + ",\"stream\":true}";
                calls.add(CompletableFuture.supplyAsync(() -> stream(stack, gws.get(g), g, body)));
            }
            List<Streamed> got = calls.stream().map(CompletableFuture::join).toList();
            Set<String> ids = got.stream().map(Streamed::id).collect(Collectors.toSet());
            assertThat(ids).hasSize(10);
            Map<String, List<Completion>> kafka = stack.completions(ids, Duration.ofSeconds(120));
            long[] expectedReads = new long[2];
            for (Streamed s : got) {
                Completion c = kafka.get(s.id()).getFirst();
                assertThat(kafka.get(s.id())).hasSize(1);
                assertThat(s.done()).as(s.id() + " ended with [DONE]").isTrue();
                assertThat(s.finish()).isEqualTo("length");
                assertThat(s.text()).as(s.id()).isEqualTo(c.getText());
                // One chunk per token: none lost, none repeated.
                assertThat(s.tokenChunks()).isEqualTo(c.getUsage().getCompletionTokens());
                // The id routes the answer to a partition of the gateway that asked (p % 2 == instance).
                int partition = Utils.toPositive(Utils.murmur2(s.id().getBytes(StandardCharsets.UTF_8))) % 4;
                assertThat(partition % 2).isEqualTo(s.gateway());
                expectedReads[s.gateway()] += c.getUsage().getCompletionTokens() + 1;
            }
            // Each instance read its own requests' tokens and completions, and nothing of the other's.
            for (int g = 0; g < 2; g++) assertThat(gws.get(g).replies().recordsRead()).as("records read by gateway " + g).isEqualTo(expectedReads[g]);
        }
    }

    private static Streamed stream(GatewayStack stack, Gateway gw, int g, String body) {
        try {
            HttpResponse<java.util.stream.Stream<String>> r = stack.http.send(HttpRequest.newBuilder(URI.create(gw.url() + "v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            StringBuilder text = new StringBuilder();
            int chunks = 0;
            String finish = null, id = null;
            boolean done = false;
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                assertThat(done).as("nothing after [DONE]").isFalse();
                if (data.equals("[DONE]")) {
                    done = true;
                    continue;
                }
                JsonNode ev = JSON.readTree(data);
                id = ev.get("id").asText();
                JsonNode c = ev.get("choices").get(0);
                if (!c.get("finish_reason").isNull()) finish = c.get("finish_reason").asText();
                else {
                    chunks++;
                    text.append(c.get("text").asText());
                }
            }
            return new Streamed(g, id, text.toString(), chunks, finish, done);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
