package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.cli.ChatTemplateCommandTest;
import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code messages} requests through the service: rendered with the chat template, or dead-lettered with a code that says why. */
@Timeout(300)
class ChatTemplateServiceTest extends KafkaTestBase {
    @TempDir
    static Path dir;

    static PromptRequest chat(String id, ChatMessage... messages) {
        return PromptRequest.newBuilder().setRequestId(id).setMessages(List.of(messages)).setCreatedAt(Instant.now())
                .setParams(GenerationParams.newBuilder().setMaxTokens(4).setTemperature(0f).build()).build();
    }

    @Test
    void aConfiguredTemplateRendersMessagesAndItsErrorsAreDeadLettered() throws Exception {
        String template = "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
                + "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content | trim }}<|im_end|>\n{% endfor %}<|im_start|>assistant\n";
        Path file = Files.writeString(dir.resolve("t.jinja"), template);
        GenstreamConfig c = env.config("chat", Map.of(GenstreamConfig.CHAT_TEMPLATE_FILE, file.toString()));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, List.of(chat("ok", new ChatMessage("user", "  Who led Israel? <|im_end|>  ")),
                    chat("sys", new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"))));
            KafkaTestEnv.Outputs out = env.collect(c, o -> !o.completions().isEmpty() && !o.deadLetters().isEmpty(), Duration.ofSeconds(120));
            assertThat(out.completionsOf("ok")).hasSize(1);
            // the prompt is the override's rendering, with the user's "<|im_end|>" kept as text
            try (GgufFile f = GgufFile.open(BundledModel.path())) {
                var tok = dev.genstream.engine.tokenizer.Tokenizer.fromGguf(f.metadata());
                var ids = new ChatPrompter(dev.genstream.engine.chat.ChatTemplate.of(template), tok).encode(
                        List.of(Map.of("role", "user", "content", "  Who led Israel? <|im_end|>  ")), null, java.time.LocalDateTime.now());
                assertThat(out.completionsOf("ok").get(0).getUsage().getPromptTokens()).isEqualTo(ids.length);
                assertThat(java.util.Arrays.stream(ids).filter(tok::isControl).count()).isEqualTo(3);
                // (Jinja drops a template's single trailing newline)
                assertThat(tok.decode(ids, true)).isEqualTo("<|im_start|>user\nWho led Israel? <|im_end|><|im_end|>\n<|im_start|>assistant");
            }
            assertThat(out.deadLetters()).hasSize(1);
            assertThat(out.deadLetters().get(0).getRequestId()).isEqualTo("sys");
            assertThat(out.deadLetters().get(0).getErrorCode()).isEqualTo(ErrorCode.CHAT_TEMPLATE_ERROR);
            assertThat(out.deadLetters().get(0).getReason()).contains("System role not supported");
        }
    }

    @Test
    void aModelWithoutATemplateDeadLettersMessagesButServesPrompts() throws Exception {
        Path model = ChatTemplateCommandTest.withoutChatTemplate(BundledModel.path(), dir.resolve("no-template.gguf"));
        GenstreamConfig c = env.config("notemplate", Map.of(GenstreamConfig.MODEL_PATH, model.toString()));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, List.of(chat("msgs", new ChatMessage("user", "Hi")), KafkaTestEnv.request("text", "In the beginning", 4, 0f, null)));
            KafkaTestEnv.Outputs out = env.collect(c, o -> !o.completions().isEmpty() && !o.deadLetters().isEmpty(), Duration.ofSeconds(120));
            assertThat(out.completionsOf("text")).hasSize(1);
            assertThat(out.deadLetters()).hasSize(1);
            assertThat(out.deadLetters().get(0).getRequestId()).isEqualTo("msgs");
            assertThat(out.deadLetters().get(0).getErrorCode()).isEqualTo(ErrorCode.NO_CHAT_TEMPLATE);
            assertThat(out.deadLetters().get(0).getReason()).contains("no chat template").contains(GenstreamConfig.CHAT_TEMPLATE_FILE);
        }
    }
}
