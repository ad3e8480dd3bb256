package dev.genstream.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Auth, limits, errors and mapping of the gateway, through real HTTP against the service on Kafka. */
class GatewayHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static GatewayStack stack;
    static Gateway gw;

    @BeforeAll
    static void start() throws Exception {
        stack = new GatewayStack(Map.of());
        gw = stack.gateway(Map.of(GenstreamConfig.GATEWAY_API_KEYS, "k1,k2", GenstreamConfig.GATEWAY_MAX_BODY_BYTES, "4096"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
        assertThat(e.get("message").asText()).isNotBlank();
        return e;
    }

    @Test
    void apiKeysAreRequiredAndChecked() throws Exception {
        assertThat(error(stack.get(gw, "/v1/models", null), 401).get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error(stack.get(gw, "/v1/models", "wrong"), 401).get("message").asText()).contains("Incorrect API key");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1x", "{}"), 401).get("code").asText()).isEqualTo("invalid_api_key");
        HttpResponse<String> ok = stack.get(gw, "/v1/models", "k2");
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode models = JSON.readTree(ok.body());
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("kjv-llama-6m");
        // The page itself needs no key (it asks for one).
        HttpResponse<String> page = stack.get(gw, "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("genstream chat");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", big), 413).get("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void unsupportedOptionsAreErrorsNeverDropped() throws Exception {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        JsonNode n = error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"n\":2}"), 400);
        assertThat(n.get("param").asText()).isEqualTo("n");
        assertThat(n.get("type").asText()).isEqualTo("invalid_request_error");
        String tool = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + "," + tool + "}"), 400).get("param").asText()).isEqualTo("tools");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"response_format\":{\"type\":\"json_schema\"}}"), 400)
                .get("message").asText()).contains("needs json_schema.schema");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"response_format\":{\"type\":\"yaml\"}}"), 400)
                .get("message").asText()).contains("unknown response_format");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"model\":\"gpt-4o\"}"), 404)
                .get("code").asText()).isEqualTo("model_not_found");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"temperature\":3}"), 400)
                .get("param").asText()).isEqualTo("temperature");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"mirostat\":2}"), 400)
                .get("message").asText()).isEqualTo("Unrecognized request argument supplied: mirostat");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"), 400)
                .get("param").asText()).isEqualTo("messages[0].role");
        assertThat(error(stack.post(gw, "/v1/completions", "k1", "{\"prompt\":[\"a\",\"b\"]}"), 400).get("param").asText()).isEqualTo("prompt");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{\"messages\":[]}"), 400).get("param").asText()).isEqualTo("messages");
        assertThat(error(stack.post(gw, "/v1/chat/completions", "k1", "{not json"), 400).get("message").asText()).contains("not valid JSON");
        assertThat(error(stack.get(gw, "/v1/chat/completions", "k1"), 405).get("code").asText()).isEqualTo("method_not_allowed");
        assertThat(error(stack.post(gw, "/v1/embeddings", "k1", "{}"), 404).get("code").asText()).isEqualTo("unknown_url");
    }

    @Test
    void theServiceRejectionComesBackAsAnOpenAiError() throws Exception {
        // Passes the gateway's checks; the service's max-tokens limit (2048) dead-letters it.
        HttpResponse<String> r = stack.post(gw, "/v1/completions", "k1", "{\"prompt\":\"In the beginning\",\"max_tokens\":100000}");
        JsonNode e = error(r, 400);
        assertThat(e.get("code").asText()).isEqualTo("invalid_max_tokens");
        assertThat(r.headers().firstValue("X-Request-Id")).get().asString().startsWith("cmpl-");
    }

    @Test
    void responseFormatsConstrainTheAnswer() throws Exception {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"Name a king.\"}],\"max_tokens\":60,\"seed\":4";
        String schema = "{\"type\":\"object\",\"properties\":{\"king\":{\"type\":\"string\",\"maxLength\":20},"
                + "\"good\":{\"type\":\"boolean\"}},\"required\":[\"king\",\"good\"],\"additionalProperties\":false}";
        HttpResponse<String> r = stack.post(gw, "/v1/chat/completions", "k1",
                "{" + msgs + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"k\",\"schema\":" + schema + "}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode answer = JSON.readTree(choice.get("message").get("content").asText());
        assertThat(answer.get("king").isTextual()).isTrue();
        assertThat(answer.get("good").isBoolean()).isTrue();
        assertThat(answer.size()).isEqualTo(2);
        HttpResponse<String> any = stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs + ",\"response_format\":{\"type\":\"json_object\"}}");
        assertThat(any.statusCode()).as(any.body()).isEqualTo(200);
        assertThat(JSON.readTree(JSON.readTree(any.body()).get("choices").get(0).get("message").get("content").asText()).isObject()).isTrue();
        // A keyword the compiler does not support comes back named, not ignored.
        JsonNode e = error(stack.post(gw, "/v1/chat/completions", "k1", "{" + msgs
                + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"k\",\"schema\":{\"type\":\"string\",\"pattern\":\"^a\"}}}}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("unsupported_schema");
        assertThat(e.get("message").asText()).contains("pattern");
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        HttpResponse<String> pre = stack.http.send(HttpRequest.newBuilder(URI.create(gw.url() + "v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isEqualTo(403);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> get = stack.http.send(HttpRequest.newBuilder(URI.create(gw.url() + "v1/models"))
                .header("Origin", "http://evil.example").header("Authorization", "Bearer k1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void corsAllowsConfiguredOrigins() throws Exception {
        Gateway open = stack.gateway(Map.of(GenstreamConfig.GATEWAY_CORS_ORIGINS, "http://app.example"));
        HttpResponse<String> pre = stack.http.send(HttpRequest.newBuilder(URI.create(open.url() + "v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://app.example");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
    }

    @Test
    void rateLimitPerKeyAnswers429WithRetryAfter() throws Exception {
        Gateway limited = stack.gateway(Map.of(GenstreamConfig.GATEWAY_API_KEYS, "a,b",
                GenstreamConfig.GATEWAY_RATE_PER_SECOND, "0.2", GenstreamConfig.GATEWAY_RATE_BURST, "2"));
        String bad = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":3}"; // rejected cheaply after the limiter
        assertThat(stack.post(limited, "/v1/chat/completions", "a", bad).statusCode()).isEqualTo(400);
        assertThat(stack.post(limited, "/v1/chat/completions", "a", bad).statusCode()).isEqualTo(400);
        HttpResponse<String> third = stack.post(limited, "/v1/chat/completions", "a", bad);
        assertThat(error(third, 429).get("code").asText()).isEqualTo("rate_limit_exceeded");
        long retry = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(1L, 5L);
        // Another key has its own bucket.
        assertThat(stack.post(limited, "/v1/chat/completions", "b", bad).statusCode()).isEqualTo(400);
    }

    @Test
    void nonStreamingAnswerIsTheCompletionOnKafkaWithMappedParams() throws Exception {
        String body = """
                {"model":"kjv-llama-6m","messages":[{"role":"system","content":"Speak as the King James Bible."},
                 {"role":"user","content":"And God said"}],"max_completion_tokens":12,"temperature":0.7,"top_p":0.9,
                 "seed":42,"stop":["zzz"],"frequency_penalty":0.5,"presence_penalty":0.25,"user":"alice",
                 "conversation_id":"conv-1","logprobs":true,"top_logprobs":2}""";
        HttpResponse<String> r = stack.post(gw, "/v1/chat/completions", "k1", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = JSON.readTree(r.body());
        String id = a.get("id").asText();
        assertThat(id).startsWith("chatcmpl-");
        assertThat(a.get("object").asText()).isEqualTo("chat.completion");
        Completion c = stack.completions(Set.of(id), Duration.ofSeconds(60)).get(id).getFirst();
        JsonNode choice = a.get("choices").get(0);
        assertThat(choice.get("message").get("content").asText()).isEqualTo(c.getText()).isNotEmpty();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(a.get("system_fingerprint").asText()).isEqualTo(c.getModelFingerprint()).hasSize(64);
        assertThat(a.get("usage").get("completion_tokens").asInt()).isEqualTo(12);
        assertThat(a.get("usage").get("prompt_tokens").asInt()).isEqualTo(c.getUsage().getPromptTokens());
        assertThat(a.get("usage").get("total_tokens").asInt()).isEqualTo(12 + c.getUsage().getPromptTokens());
        JsonNode lp = choice.get("logprobs").get("content");
        assertThat(lp).hasSize(12);
        assertThat(lp.get(0).get("top_logprobs")).hasSize(2);
        assertThat(lp.get(0).get("logprob").asDouble()).isNegative();
        assertThat(c.getConversationId()).isEqualTo("conv-1");
        assertThat(c.getMetadata()).containsEntry("user", "alice");

        PromptRequest p = stack.prompts(Set.of(id), Duration.ofSeconds(30)).get(id).getFirst();
        JsonNode record = JSON.readTree(stack.get(gw, "/genstream/requests/" + id, "k1").body());
        assertThat(record.get("key").asText()).isEqualTo("conv-1");
        assertThat(record.get("value").get("params").get("max_tokens").asInt()).isEqualTo(12);
        assertThat(stack.get(gw, "/genstream/requests/" + id, null).statusCode()).isEqualTo(401);
        assertThat(error(stack.get(gw, "/genstream/requests/nope", "k1"), 404).get("code").asText()).isEqualTo("not_found");
        assertThat(p.getMessages()).hasSize(2);
        assertThat(p.getMessages().get(1).getContent()).isEqualTo("And God said");
        assertThat(p.getModel()).isEqualTo("kjv-llama-6m");
        var params = p.getParams();
        assertThat(params.getMaxTokens()).isEqualTo(12);
        assertThat(params.getTemperature()).isEqualTo(0.7f);
        assertThat(params.getTopP()).isEqualTo(0.9f);
        assertThat(params.getSeed()).isEqualTo(42L);
        assertThat(params.getStop()).containsExactly("zzz");
        assertThat(params.getFrequencyPenalty()).isEqualTo(0.5f);
        assertThat(params.getPresencePenalty()).isEqualTo(0.25f);
        assertThat(params.getLogprobs()).isEqualTo(2);
    }

    @Test
    void aClientThatLeavesCancelsNothing() throws Exception {
        String body = "{\"prompt\":\"In the beginning\",\"max_tokens\":40,\"seed\":5,\"stream\":true}";
        HttpResponse<InputStream> r = stack.http.send(HttpRequest.newBuilder(URI.create(gw.url() + "v1/completions"))
                .header("Authorization", "Bearer k1").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        try (InputStream in = r.body()) {
            assertThat(in.read()).isEqualTo('d'); // the first event began; then the client goes away
        }
        List<Completion> landed = stack.completions(Set.of(id), Duration.ofSeconds(60)).get(id);
        assertThat(landed).hasSize(1);
        assertThat(landed.getFirst().getUsage().getCompletionTokens()).isEqualTo(40);
    }

    @Test
    void streamedTextStopsWhereTheCompletionDoes() throws Exception {
        String base = "{\"prompt\":\"And the LORD said unto Moses,\",\"max_tokens\":30,\"temperature\":0";
        JsonNode free = JSON.readTree(stack.post(gw, "/v1/completions", "k1", base + "}").body());
        String text = free.get("choices").get(0).get("text").asText();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 4);
        HttpResponse<String> r = stack.post(gw, "/v1/completions", "k1", base + ",\"stream\":true,\"stop\":" + JSON.writeValueAsString(stop) + "}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        StringBuilder streamed = new StringBuilder();
        String finish = null;
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = JSON.readTree(e).get("choices").get(0);
            streamed.append(c.get("text").asText());
            if (!c.get("finish_reason").isNull()) finish = c.get("finish_reason").asText();
        }
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        Completion c = stack.completions(Set.of(id), Duration.ofSeconds(60)).get(id).getFirst();
        assertThat(finish).isEqualTo("stop");
        assertThat(c.getText()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(streamed.toString()).isEqualTo(c.getText());
    }

    @Test
    void noAnswerInTimeIs504AndTheRequestStaysAccepted() throws Exception {
        Gateway impatient = stack.gateway(Map.of(GenstreamConfig.GATEWAY_TIMEOUT_MS, "1"));
        HttpResponse<String> r = stack.post(impatient, "/v1/completions", null, "{\"prompt\":\"Blessed are the\",\"max_tokens\":20}");
        assertThat(error(r, 504).get("message").asText()).contains("stays accepted");
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(stack.completions(Set.of(id), Duration.ofSeconds(60)).get(id)).hasSize(1);
    }
}
