package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.testing.SharedData;
import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.gguf.GgufWriter;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat-template command's contract: the rendering on stdout byte for byte, or exit ≠ 0 and one stderr line. */
public class ChatTemplateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void rendersTheBundledModelsTemplateExactly() throws Exception {
        Path messages = dir.resolve("m.json");
        Files.writeString(messages, "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi ✓\"}]");
        Run r = CliContractTest.run("chat-template", "--model", BundledModel.path().toString(), "--messages-file",
                messages.toString(), "--add-generation-prompt");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi ✓<|im_end|>\n"
                + "<|im_start|>assistant\n");
        Run noPrompt = CliContractTest.run("chat-template", "--model", BundledModel.path().toString(), "--messages-file",
                messages.toString());
        assertThat(noPrompt.out()).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi ✓<|im_end|>\n");
    }

    @SuppressWarnings("unchecked")
    @Test
    void matchesThePythonReferenceWithToolsTokensAndClock() throws Exception {
        Map<String, Object> t = JSON.readValue(SharedData.require("chat-templates/meta-llama-Llama-3.1-8B-Instruct.json").toFile(), Map.class);
        Map<String, Object> c = ((List<Map<String, Object>>) t.get("cases")).stream()
                .filter(x -> x.get("conversation").equals("tools") && Boolean.TRUE.equals(x.get("add_generation_prompt")))
                .findFirst().orElseThrow();
        Path template = Files.writeString(dir.resolve("t.jinja"), (String) t.get("template"));
        Path messages = Files.writeString(dir.resolve("m.json"), JSON.writeValueAsString(c.get("messages")));
        Path tools = Files.writeString(dir.resolve("tools.json"), JSON.writeValueAsString(c.get("tools")));
        Run r = CliContractTest.run("chat-template", "--template-file", template.toString(), "--messages-file",
                messages.toString(), "--tools-file", tools.toString(), "--add-generation-prompt",
                "--bos-token", (String) t.get("bos_token"), "--eos-token", (String) t.get("eos_token"),
                "--now", (String) t.get("now"));
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(c.get("expected"));
    }

    @Test
    void aTemplateThatRaisesExitsNonZeroWithOneLine() throws Exception {
        Path template = Files.writeString(dir.resolve("t.jinja"),
                "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}ok");
        Path messages = Files.writeString(dir.resolve("m.json"), "{\"messages\": [{\"role\":\"system\",\"content\":\"x\"}]}");
        Run r = CliContractTest.run("chat-template", "--template-file", template.toString(), "--messages-file", messages.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly("genstream chat-template: System role not supported");
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\":\"user\",\"content\":\"x\"}]");
        Path broken = Files.writeString(dir.resolve("t.jinja"), "{% for m in messages %}{{ m.content }}");
        Run r = CliContractTest.run("chat-template", "--template-file", broken.toString(), "--messages-file", messages.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().lines().toList()).hasSize(1).first().asString().contains("unexpected end of template");
        Run both = CliContractTest.run("chat-template", "--template-file", broken.toString(), "--model",
                BundledModel.path().toString(), "--messages-file", messages.toString());
        assertThat(both.exit()).isNotZero();
        assertThat(both.err().lines().toList()).hasSize(1);
        Path notJson = Files.writeString(dir.resolve("bad.json"), "[{\"role\":");
        Run bad = CliContractTest.run("chat-template", "--model", BundledModel.path().toString(), "--messages-file", notJson.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().lines().toList()).hasSize(1).first().asString().contains("not valid JSON");
    }

    @Test
    void generateRendersMessagesWithTheModelsTemplate() throws Exception {
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\":\"user\",\"content\":\"Who led Israel?\"}]");
        Run r = CliContractTest.run("generate", "--model", BundledModel.path().toString(), "--messages-file", messages.toString(),
                "-n", "8", "--temperature", "0", "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        // the prompt is the ChatML rendering: the same ids as the rendering tokenized with specials parsed
        Path template = Files.writeString(dir.resolve("plain.jinja"), "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}assistant:");
        Run plain = CliContractTest.run("generate", "--model", BundledModel.path().toString(), "--messages-file", messages.toString(),
                "--chat-template-file", template.toString(), "-n", "8", "--temperature", "0", "--threads", "1");
        Run asPrompt = CliContractTest.run("generate", "--model", BundledModel.path().toString(), "--prompt", "user: Who led Israel?\nassistant:",
                "-n", "8", "--temperature", "0", "--threads", "1");
        assertThat(plain.out()).isEqualTo(asPrompt.out());
        assertThat(promptTokens(plain.err())).isEqualTo(promptTokens(asPrompt.err()));
        Run chatml = CliContractTest.run("generate", "--model", BundledModel.path().toString(), "--prompt",
                "<|im_start|>user\nWho led Israel?<|im_end|>\n<|im_start|>assistant\n", "-n", "8", "--temperature", "0", "--threads", "1");
        assertThat(r.out()).isEqualTo(chatml.out());
        assertThat(promptTokens(r.err())).isEqualTo(promptTokens(chatml.err()));
        Run neither = CliContractTest.run("generate", "--model", BundledModel.path().toString());
        assertThat(neither.exit()).isNotZero();
        assertThat(neither.err().lines().toList()).hasSize(1).first().asString().contains("Missing required argument").contains("--messages-file");
    }

    private static String promptTokens(String err) {
        return err.replaceAll("(?s).*prompt tokens: (\\d+).*", "$1");
    }

    @Test
    void aModelWithoutATemplateIsAOneLineErrorForChatCommands() throws Exception {
        Path model = withoutChatTemplate(BundledModel.path(), dir.resolve("no-template.gguf"));
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\":\"user\",\"content\":\"x\"}]");
        for (Run r : List.of(
                CliContractTest.run("chat-template", "--model", model.toString(), "--messages-file", messages.toString()),
                CliContractTest.run("generate", "--model", model.toString(), "--messages-file", messages.toString(), "-n", "2"))) {
            assertThat(r.exit()).isNotZero();
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().toList()).hasSize(1).first().asString().contains("the model has no chat template");
        }
    }

    /** A copy of a GGUF file minus its {@code tokenizer.chat_template}. */
    public static Path withoutChatTemplate(Path src, Path dst) throws Exception {
        int tensors;
        try (GgufFile f = GgufFile.open(src)) {
            tensors = f.tensors().size();
            GgufWriter w = new GgufWriter();
            f.metadata().asMap().forEach((k, v) -> {
                if (!k.equals(ChatPrompter.METADATA_KEY)) w.put(k, v);
            });
            for (GgufTensor t : f.tensors().values()) w.tensor(t.name(), t.type(), t.dims(), t.data().toArray(ValueLayout.JAVA_BYTE));
            w.write(dst);
        }
        try (GgufFile f = GgufFile.open(dst)) {
            assertThat(ChatPrompter.templateOf(f.metadata())).isEmpty();
            assertThat(f.tensors()).hasSize(tensors);
        }
        return dst;
    }
}
