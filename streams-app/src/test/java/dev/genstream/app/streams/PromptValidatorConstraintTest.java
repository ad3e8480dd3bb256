package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.app.jobs.PromptLines;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.ResponseFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** response_format / json_schema / grammar: compiled once, and every unusable constraint rejected with a reason. */
class PromptValidatorConstraintTest {
    static PromptValidator validator;

    @BeforeAll
    static void load() {
        try (GgufFile f = GgufFile.open(BundledModel.path())) {
            validator = new PromptValidator(Tokenizer.fromGguf(f.metadata()), null, "kjv", 64, 1024);
        }
    }

    static PromptRequest.Builder req() {
        return PromptRequest.newBuilder().setRequestId("id-1").setPrompt("In the beginning").setCreatedAt(Instant.now());
    }

    @Test
    void textWithoutGrammarIsFreeAndFormatsCompileOnce() throws Exception {
        assertThat(validator.validate(req().build()).params().grammar()).isNull();
        var obj = validator.validate(req().setResponseFormat(ResponseFormat.json_object).build()).params().grammar();
        assertThat(obj.matches("{\"a\": [1, true]}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(obj.matches("[1]".getBytes(StandardCharsets.UTF_8))).isFalse();
        String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"],\"additionalProperties\":false}";
        var a = validator.validate(req().setResponseFormat(ResponseFormat.json_schema).setJsonSchema(schema).build()).params().grammar();
        var b = validator.validate(req().setRequestId("id-2").setResponseFormat(ResponseFormat.json_schema).setJsonSchema(schema).build()).params().grammar();
        assertThat(b).isSameAs(a); // cached: its automaton is shared
        assertThat(a.matches("{\"n\": 3}".getBytes(StandardCharsets.UTF_8))).isTrue();
        var g = validator.validate(req().setGrammar("root ::= \"yes\" | \"no\"").build()).params().grammar();
        assertThat(g.matches("no".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void unusableConstraintsAreRejectedWithTheirReason() {
        rejected(req().setResponseFormat(ResponseFormat.json_schema).setJsonSchema("{\"type\":\"string\",\"pattern\":\"x\"}"),
                ErrorCode.UNSUPPORTED_SCHEMA, "unsupported schema keyword 'pattern' at #");
        rejected(req().setGrammar("root ::= [a-"), ErrorCode.INVALID_GRAMMAR, "grammar syntax error at line 1, column 10");
        rejected(req().setResponseFormat(ResponseFormat.json_schema), ErrorCode.INVALID_PARAMS, "needs json_schema");
        rejected(req().setJsonSchema("{}"), ErrorCode.INVALID_PARAMS, "response_format is text");
        rejected(req().setResponseFormat(ResponseFormat.json_object).setGrammar("root ::= \"a\""), ErrorCode.INVALID_PARAMS, "grammar can only be used");
        rejected(req().setResponseFormat(ResponseFormat.json_object).setParams(GenerationParams.newBuilder().setStop(List.of("}")).build()),
                ErrorCode.INVALID_PARAMS, "stop strings cannot be combined");
    }

    @Test
    void promptLinesCarryTheConstraintFields() {
        PromptLines lines = new PromptLines(1024, (n, text) -> "r" + n);
        List<PromptLines.Problem> problems = new java.util.ArrayList<>();
        PromptRequest r = lines.parse(1, "{\"prompt\":\"x\",\"response_format\":\"json_schema\",\"json_schema\":{\"type\":\"boolean\"}}", problems);
        assertThat(problems).isEmpty();
        assertThat(r.getResponseFormat()).isEqualTo(ResponseFormat.json_schema);
        assertThat(r.getJsonSchema()).isEqualTo("{\"type\":\"boolean\"}");
        lines.parse(2, "{\"prompt\":\"x\",\"response_format\":\"xml\"}", problems);
        assertThat(problems).singleElement().asString().contains("response_format").contains("must be one of text, json_object, json_schema");
    }

    private static void rejected(PromptRequest.Builder r, ErrorCode code, String reason) {
        assertThatThrownBy(() -> validator.validate(r.build()))
                .isInstanceOf(PromptValidator.Rejected.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((PromptValidator.Rejected) e).code()).isEqualTo(code));
    }
}
