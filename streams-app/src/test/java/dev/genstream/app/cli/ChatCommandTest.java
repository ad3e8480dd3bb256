package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.engine.testing.BundledModel;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive chat keeps the conversation: each reply equals generate --messages-file on the history so far. */
class ChatCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Run withInput(String input, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            return CliContractTest.run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void eachTurnSeesTheWholeConversation() throws Exception {
        String model = BundledModel.path().toString();
        Run chat = withInput("Who led Israel?\nAnd then?\n", "chat", "--model", model, "--system", "Answer from the Bible.",
                "-n", "6", "--temperature", "0", "--threads", "1");
        assertThat(chat.exit()).as(chat.err()).isZero();

        List<Map<String, String>> history = new java.util.ArrayList<>(List.of(
                Map.of("role", "system", "content", "Answer from the Bible."), Map.of("role", "user", "content", "Who led Israel?")));
        Run first = generate(model, history);
        assertThat(chat.out()).startsWith(first.out());
        String reply = first.out().substring(0, first.out().length() - 1);
        history.add(Map.of("role", "assistant", "content", reply));
        history.add(Map.of("role", "user", "content", "And then?"));
        Run second = generate(model, history);
        assertThat(chat.out()).isEqualTo(first.out() + second.out());
        assertThat(chat.err()).contains("[chat] seed");
    }

    private Run generate(String model, List<Map<String, String>> messages) throws Exception {
        Path f = Files.writeString(dir.resolve("m" + messages.size() + ".json"), JSON.writeValueAsString(messages));
        Run r = CliContractTest.run("generate", "--model", model, "--messages-file", f.toString(), "-n", "6", "--temperature", "0",
                "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    @Test
    void aBrokenTemplateIsOneLine() throws Exception {
        Path template = Files.writeString(dir.resolve("t.jinja"), "{% for m in messages %}{{ m.content }}{% endfor %");
        Run r = withInput("hi\n", "chat", "--model", BundledModel.path().toString(), "--chat-template-file", template.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().lines().toList()).hasSize(1).first().asString().startsWith("genstream chat: template syntax error");
    }

    @Test
    void chatTakesGeneratesSamplingFlagsAndNamesABadOne() throws Exception {
        String model = BundledModel.path().toString();
        Run sampled = withInput("Who led Israel?\n", "chat", "--model", model, "-n", "6", "--seed", "5", "--top-k", "3",
                "--top-p", "0.5", "--repeat-penalty", "1.2", "--threads", "1");
        assertThat(sampled.exit()).as(sampled.err()).isZero();
        assertThat(sampled.err()).contains("[chat] seed 5");
        Run again = withInput("Who led Israel?\n", "chat", "--model", model, "-n", "6", "--seed", "5", "--top-k", "3",
                "--top-p", "0.5", "--repeat-penalty", "1.2", "--threads", "1");
        assertThat(again.out()).isEqualTo(sampled.out()).isNotBlank();

        Run bad = withInput("hi\n", "chat", "--model", model, "--top-p", "2");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().lines().toList()).hasSize(1).first().asString().startsWith("genstream chat: --top-p");
    }
}
