package dev.genstream.app.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.app.streams.PromptValidator;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.PromptRequest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of bad line the CLI must refuse before sending, named by line and field. */
class PromptLinesTest {
    static final PromptLines LINES = new PromptLines(2048, (n, text) -> "generated-" + n);

    static List<PromptLines.Problem> problems(String line) {
        List<PromptLines.Problem> out = new ArrayList<>();
        LINES.parse(7, line, out);
        return out;
    }

    static String only(String line) {
        List<PromptLines.Problem> p = problems(line);
        assertThat(p).as(line).hasSize(1);
        return p.get(0).toString();
    }

    @Test
    void aGoodLineBecomesTheRequestItDescribes() {
        List<PromptLines.Problem> out = new ArrayList<>();
        PromptRequest r = LINES.parse(1, """
                {"request_id":"r1","prompt":"In the beginning","model":"kjv","metadata":{"job":"a"},"created_at":"2026-01-02T03:04:05Z",
                 "params":{"max_tokens":12,"temperature":0.5,"top_k":10,"top_p":0.9,"min_p":0.1,"repetition_penalty":1.1,
                 "presence_penalty":0.2,"frequency_penalty":0.3,"seed":-42,"stop":["\\n"],"logprobs":3,"emit_tokens":false,
                 "token_grouping":"punctuation"}}""", out);
        assertThat(out).isEmpty();
        assertThat(r.getRequestId()).isEqualTo("r1");
        assertThat(r.getModel()).isEqualTo("kjv");
        assertThat(r.getMetadata()).containsEntry("job", "a");
        assertThat(r.getCreatedAt().toString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(r.getParams().getMaxTokens()).isEqualTo(12);
        assertThat(r.getParams().getTemperature()).isEqualTo(0.5f);
        assertThat(r.getParams().getSeed()).isEqualTo(-42L);
        assertThat(r.getParams().getStop()).containsExactly("\n");
        assertThat(r.getParams().getEmitTokens()).isFalse();
        assertThat(r.getParams().getTokenGrouping()).isEqualTo(dev.genstream.schemas.TokenGrouping.punctuation);
        PromptRequest noId = LINES.parse(3, "{\"prompt\":\"x\",\"params\":{\"stop\":\"END\"}}", out);
        assertThat(out).isEmpty();
        assertThat(noId.getRequestId()).isEqualTo("generated-3");
        assertThat(noId.getParams().getStop()).containsExactly("END");
    }

    @Test
    void unknownFieldsAreErrorsWithTheNearestKnownName() {
        assertThat(only("{\"prompt\":\"x\",\"maxTokens\":5}"))
                .startsWith("line 7: maxTokens: unknown field; did you mean params.max_tokens?");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"temprature\":0.5}}"))
                .startsWith("line 7: params.temprature: unknown field; did you mean params.temperature?");
        assertThat(only("{\"promt\":\"x\"}")).contains("promt: unknown field; did you mean prompt?");
        assertThat(only("{\"prompt\":\"x\",\"colour\":\"red\"}")).contains("colour: unknown field (fields: request_id,")
                .doesNotContain("did you mean");
        assertThat(problems("{\"messages\":[{\"role\":\"user\",\"contnet\":\"hi\"}]}")).extracting(Object::toString)
                .containsExactly("line 7: messages[0].contnet: unknown field; did you mean content?", "line 7: messages[0].content: is missing");
    }

    @Test
    void wrongTypesNameTheFieldAndWhatWasGiven() {
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"temperature\":\"0.7\"}}"))
                .isEqualTo("line 7: params.temperature: must be a number, got a string \"0.7\"");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"max_tokens\":12.5}}")).contains("params.max_tokens: must be a whole number");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"max_tokens\":99999999999}}")).contains("params.max_tokens: must be a whole number");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"seed\":\"7\"}}")).contains("params.seed: must be a whole number (64-bit)");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"emit_tokens\":\"yes\"}}")).contains("params.emit_tokens: must be true or false");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"token_grouping\":\"round\"}}"))
                .contains("params.token_grouping: must be one of token, punctuation, got 'round'");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"stop\":[\"a\",3]}}")).contains("params.stop[1]: must be a string, got a number 3");
        assertThat(only("{\"prompt\":42}")).contains("prompt: must be a string, got a number 42");
        assertThat(only("{\"request_id\":7,\"prompt\":\"x\"}")).contains("request_id: must be a string");
        assertThat(only("{\"prompt\":\"x\",\"params\":[1]}")).contains("params: must be an object, got an array");
        assertThat(only("{\"messages\":\"hi\"}")).contains("messages: must be an array");
        assertThat(only("{\"messages\":[{\"role\":\"user\"}]}")).contains("messages[0].content: is missing");
        assertThat(only("{\"prompt\":\"x\",\"metadata\":{\"n\":1}}")).contains("metadata.n: must be a string");
        assertThat(only("{\"prompt\":\"x\",\"created_at\":\"yesterday\"}")).contains("created_at: must be epoch milliseconds or an ISO-8601 instant");
        assertThat(only("{\"prompt\": \"x\"")).startsWith("line 7: not valid JSON");
        assertThat(only("[1, 2]")).isEqualTo("line 7: must be a JSON object, got an array");
    }

    @Test
    void conversationFieldsAreReadAndCheckedByTheServicesRules() {
        List<PromptLines.Problem> out = new ArrayList<>();
        var r = LINES.parse(1, "{\"conversation_id\":\"c1\",\"history_mode\":\"server\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", out);
        assertThat(out).isEmpty();
        assertThat(r.getHistoryMode()).isEqualTo(dev.genstream.schemas.HistoryMode.server);
        assertThat(only("{\"prompt\":\"x\",\"history_mode\":\"servr\"}")).contains("history_mode: must be one of client, server");
        assertThat(only("{\"conversation_id\":\"c1\",\"end_conversation\":\"yes\"}")).contains("end_conversation: must be true or false");
        assertThat(problems("{\"end_conversation\":true}")).extracting(PromptLines.Problem::field).contains("conversation_id");
    }

    @Test
    void promptAndMessagesTogetherOrNeitherAreRefused() {
        assertThat(only("{\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .isEqualTo("line 7: messages: is set together with prompt; set one of them");
        assertThat(only("{\"request_id\":\"a\"}")).isEqualTo("line 7: prompt: is missing: set prompt or messages");
        assertThat(only("{\"prompt\":\"\"}")).isEqualTo("line 7: prompt: is empty");
        assertThat(only("{\"messages\":[]}")).isEqualTo("line 7: messages: is empty");
    }

    @Test
    void outOfRangeParamsAreRefusedWithTheServicesRule() {
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"top_p\":0}}")).isEqualTo("line 7: params.top_p: must be in (0, 1], got 0.0");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"max_tokens\":0}}")).isEqualTo("line 7: params.max_tokens: must be in 1..2048, got 0");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"max_tokens\":5000}}")).contains("params.max_tokens: must be in 1..2048, got 5000");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"temperature\":-1}}")).contains("params.temperature: must be >= 0");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"top_k\":-1}}")).contains("params.top_k: must be >= 0");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"min_p\":1.5}}")).contains("params.min_p: must be in [0, 1]");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"repetition_penalty\":0}}")).contains("params.repetition_penalty: must be a finite number > 0");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"logprobs\":99}}")).contains("params.logprobs: must be in 0..20, got 99");
        assertThat(only("{\"prompt\":\"x\",\"params\":{\"stop\":[\"\"]}}")).contains("params.stop[0]: is empty");
        // Several problems on one line are all reported.
        assertThat(problems("{\"prompt\":\"x\",\"params\":{\"top_p\":2,\"temperature\":-1}}")).hasSize(2);
    }

    @Test
    void theServiceRejectsWhatTheCliRejects() throws Exception {
        Tokenizer tokenizer;
        try (GgufFile f = GgufFile.open(BundledModel.path())) {
            tokenizer = Tokenizer.fromGguf(f.metadata());
        }
        PromptValidator service = new PromptValidator(tokenizer, null, "kjv", 512, 2048);
        for (String line : List.of("{\"prompt\":\"x\",\"params\":{\"top_p\":0}}", "{\"prompt\":\"x\",\"params\":{\"max_tokens\":0}}",
                "{\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "{\"prompt\":\"\"}",
                "{\"prompt\":\"x\",\"params\":{\"logprobs\":99}}", "{\"prompt\":\"x\",\"params\":{\"min_p\":1.5}}")) {
            // The request as a careless producer would have sent it, rules not applied.
            List<PromptLines.Problem> cli = new ArrayList<>();
            PromptRequest r = LINES.parse(1, line, cli);
            assertThat(cli).as(line).hasSize(1);
            assertThatThrownBy(() -> service.validate(r)).as(line).isInstanceOf(PromptValidator.Rejected.class)
                    .hasMessage(cli.get(0).field() + " " + cli.get(0).message());
        }
    }

    @Test
    void aFileIsCheckedWholeAndDuplicatesAreFound() throws Exception {
        String file = """
                {"request_id":"a","prompt":"one"}

                {"request_id":"b","prompt":"two","params":{"temprature":1}}
                {"request_id":"a","prompt":"three"}
                {"request_id":"c","prompt":"four"}
                """;
        PromptLines.Result r = LINES.read(new BufferedReader(new StringReader(file)));
        assertThat(r.valid()).extracting(PromptLines.Line::number).containsExactly(1, 5);
        assertThat(r.badLines()).containsExactly(3, 4);
        assertThat(r.problems().get(1).toString()).isEqualTo("line 4: request_id: 'a' is also on line 1; each request is answered once");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> InvalidLines.enforce(r, false, ps)).hasMessage("2 invalid line(s), nothing sent; fix them or pass --skip-invalid");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 3: params.temprature").contains("line 4: request_id");
        err.reset();
        InvalidLines.enforce(r, true, ps);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("skipped line 3:").contains("skipped 2 invalid line(s): [3, 4]");
    }
}
