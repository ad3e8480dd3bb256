package dev.genstream.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.Main;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.Completion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The official openai npm package (v4) against the gateway: its answers are the Completions on Kafka and `generate`'s. */
class OpenAiSdkContractTest {
    @Test
    void officialSdkStreamingAndNot() throws Exception {
        Node.require("openai");
        try (GatewayStack stack = new GatewayStack(Map.of())) {
            Gateway gw = stack.gateway(Map.of(GenstreamConfig.GATEWAY_API_KEYS, "sdk-key"));
            String stdout = Node.run("contract.mjs", Map.of("GATEWAY_URL", gw.url(), "API_KEY", "sdk-key"), 300);
            JsonNode out = new ObjectMapper().readTree(stdout.lines().reduce((a, b) -> b).orElseThrow());

            JsonNode chat = out.get("chat"), chatStream = out.get("chatStream"), text = out.get("completion"), textStream = out.get("completionStream");
            Map<String, List<Completion>> kafka = stack.completions(Set.of(chat.get("id").asText(), chatStream.get("id").asText(),
                    text.get("id").asText(), textStream.get("id").asText()), Duration.ofSeconds(120));
            for (JsonNode call : List.of(chat, chatStream, text, textStream)) {
                List<Completion> c = kafka.get(call.get("id").asText());
                assertThat(c).as("completion of " + call).hasSize(1);
                assertThat(call.get("text").asText()).as(call.toString()).isEqualTo(c.getFirst().getText()).isNotEmpty();
            }
            Completion chatOnKafka = kafka.get(chat.get("id").asText()).getFirst();
            assertThat(chat.get("object").asText()).isEqualTo("chat.completion");
            assertThat(chat.get("role").asText()).isEqualTo("assistant");
            assertThat(chat.get("fingerprint").asText()).isEqualTo(chatOnKafka.getModelFingerprint());
            assertThat(chat.get("usage").get("completion_tokens").asInt()).isEqualTo(chatOnKafka.getUsage().getCompletionTokens());
            assertThat(chat.get("finish").asText()).isEqualTo("length");
            // Same seed and params: streamed and whole answers are the same text.
            assertThat(chatStream.get("text").asText()).isEqualTo(chat.get("text").asText());
            assertThat(chatStream.get("role").asText()).isEqualTo("assistant");
            assertThat(chatStream.get("finish").asText()).isEqualTo("length");
            assertThat(chatStream.get("fingerprint").asText()).isEqualTo(chatOnKafka.getModelFingerprint());
            assertThat(chatStream.get("usage").get("total_tokens").asInt()).isEqualTo(chat.get("usage").get("total_tokens").asInt());
            assertThat(chatStream.get("chunks").asInt()).isGreaterThan(3);
            assertThat(textStream.get("text").asText()).isEqualTo(text.get("text").asText());

            // And they are what the CLI generates with the same parameters (messages with the model's chat template).
            assertThat(text.get("text").asText()).isEqualTo(generate("--prompt", "In the beginning", "20", "0.9", "11"));
            Path messages = Files.createTempFile("messages-", ".json");
            Files.writeString(messages, "[{\"role\": \"user\", \"content\": \"And God said\"}]");
            assertThat(chat.get("text").asText()).isEqualTo(generate("--messages-file", messages.toString(), "24", "0.8", "7"));

            assertThat(out.get("models").get(0).asText()).isEqualTo("kjv-llama-6m");
            assertThat(out.get("errors").get("n").get("status").asInt()).isEqualTo(400);
            assertThat(out.get("errors").get("n").get("param").asText()).isEqualTo("n");
            assertThat(out.get("errors").get("auth").get("status").asInt()).isEqualTo(401);
            assertThat(out.get("errors").get("auth").get("name").asText()).isEqualTo("AuthenticationError");
        }
    }

    /** stdout of `genstream generate` with the gateway's defaults for what the call left out. */
    static synchronized String generate(String source, String prompt, String maxTokens, String temperature, String seed) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(Main.run("generate", "--model", BundledModel.path().toString(), source, prompt, "-n", maxTokens,
                    "--temperature", temperature, "--seed", seed, "--threads", "1")).isZero();
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.substring(0, s.length() - System.lineSeparator().length());
    }
}
