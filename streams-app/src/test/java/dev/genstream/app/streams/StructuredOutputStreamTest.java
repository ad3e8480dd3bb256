package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.ResponseFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** response_format / grammar through the service on the real broker and registry: valid completions, reasons in the DLQ. */
@Timeout(300)
class StructuredOutputStreamTest extends KafkaTestBase {
    static final String SCHEMA = """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"tribe":{"enum":["Judah","Levi","Dan"]},
             "ages":{"type":"array","items":{"type":"integer"},"maxItems":3}},"required":["name","tribe"],"additionalProperties":false}""";

    static PromptRequest.Builder req(String id, int maxTokens) {
        return PromptRequest.newBuilder().setRequestId(id).setPrompt("And Moses said,").setCreatedAt(Instant.now())
                .setParams(GenerationParams.newBuilder().setMaxTokens(maxTokens).setTemperature(1f).setSeed((long) id.hashCode()).build());
    }

    @Test
    void constrainedRequestsCompleteValidAndBadConstraintsAreDeadLettered() throws Exception {
        GenstreamConfig c = env.config("structured", Map.of(GenstreamConfig.CONTEXT_SIZE, "128", GenstreamConfig.MAX_TOKENS_LIMIT, "100"));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, List.of(
                    req("schema-1", 48).setResponseFormat(ResponseFormat.json_schema).setJsonSchema(SCHEMA).build(),
                    req("schema-2", 48).setResponseFormat(ResponseFormat.json_schema).setJsonSchema(SCHEMA).build(),
                    req("object", 32).setResponseFormat(ResponseFormat.json_object).build(),
                    req("gbnf", 24).setGrammar("root ::= \"Yea, \" [a-z]+ (\" \" [a-z]+){0,3} \".\"").build(),
                    req("short", 3).setResponseFormat(ResponseFormat.json_schema).setJsonSchema(SCHEMA).build(),
                    req("pattern", 16).setResponseFormat(ResponseFormat.json_schema).setJsonSchema("{\"type\":\"string\",\"pattern\":\"^a\"}").build(),
                    req("bad-gbnf", 16).setGrammar("root ::= (\"a\"").build()));
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= 5 && o.deadLetters().size() >= 2, Duration.ofSeconds(120));

            ObjectMapper json = new ObjectMapper();
            for (String id : List.of("schema-1", "schema-2")) {
                Completion done = out.completionsOf(id).get(0);
                assertThat(done.getFinishReason().name()).isIn("stop", "eos");
                assertThat(done.getIncomplete()).isFalse();
                JsonNode v = json.readTree(done.getText());
                assertThat(v.get("name").isTextual()).isTrue();
                assertThat(v.get("tribe").asText()).isIn("Judah", "Levi", "Dan");
                v.fieldNames().forEachRemaining(f -> assertThat(f).isIn("name", "tribe", "ages"));
            }
            assertThat(json.readTree(out.completionsOf("object").get(0).getText()).isObject()).isTrue();
            assertThat(out.completionsOf("gbnf").get(0).getText()).matches("Yea, [a-z]+( [a-z]+){0,3}\\.");
            Completion cut = out.completionsOf("short").get(0); // the shortest match is longer than 3 tokens
            assertThat(cut.getFinishReason().name()).isEqualTo("length");
            assertThat(cut.getIncomplete()).isTrue();

            Map<String, DeadLetter> dead = new java.util.HashMap<>();
            for (DeadLetter d : out.deadLetters()) dead.put(d.getRequestId(), d);
            assertThat(dead.get("pattern").getErrorCode()).isEqualTo(ErrorCode.UNSUPPORTED_SCHEMA);
            assertThat(dead.get("pattern").getReason()).contains("unsupported schema keyword 'pattern'");
            assertThat(dead.get("bad-gbnf").getErrorCode()).isEqualTo(ErrorCode.INVALID_GRAMMAR);
            assertThat(dead.get("bad-gbnf").getReason()).contains("line 1, column 10");
        }
    }
}
