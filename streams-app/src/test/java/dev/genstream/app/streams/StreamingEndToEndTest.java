package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.Main;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 20 prompts through a real broker and a real Apicurio registry. */
@Timeout(300)
class StreamingEndToEndTest extends KafkaTestBase {
    @Test
    void twentyPromptsYieldTwentyCompletionsAndAllTheirTokens() throws Exception {
        GenstreamConfig c = env.config("e2e", Map.of(GenstreamConfig.BATCH_SIZE, "8"));
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean greedy = i < 10;
            requests.add(KafkaTestEnv.request("req-" + i, PROMPTS[i % 10], 16 + i, greedy ? 0f : 0.9f, greedy ? null : 100L + i));
        }
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, requests);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= 20, Duration.ofSeconds(180));

            assertThat(out.completions()).hasSize(20);
            assertThat(out.deadLetters()).isEmpty();
            for (PromptRequest r : requests) {
                String id = r.getRequestId();
                List<Completion> cs = out.completionsOf(id);
                assertThat(cs).as(id).hasSize(1);
                Completion cp = cs.get(0);
                List<TokenEvent> ts = out.tokensOf(id);
                assertThat(ts.stream().map(TokenEvent::getIndex).toList()).as(id + " token indices")
                        .containsExactlyElementsOf(IntStream.range(0, ts.size()).boxed().toList());
                assertThat(cp.getUsage().getCompletionTokens()).isEqualTo(ts.size());
                StringBuilder joined = new StringBuilder();
                ts.forEach(t -> joined.append(t.getText()));
                assertThat(joined).as(id + " token texts").hasToString(cp.getText());
                assertThat(cp.getModel()).isEqualTo(app.service().alias());
                assertThat(cp.getModelFingerprint()).hasSize(64).isEqualTo(app.service().fingerprint());

                // The same prompt through `genstream generate` gives the same text (greedy, and sampled with the seed).
                List<String> args = new ArrayList<>(List.of("generate", "--model", BundledModel.path().toString(),
                        "--prompt", r.getPrompt(), "--max-tokens", Integer.toString(r.getParams().getMaxTokens()),
                        "--temperature", Float.toString(r.getParams().getTemperature()), "--threads", "1"));
                if (r.getParams().getSeed() != null) args.addAll(List.of("--seed", r.getParams().getSeed().toString()));
                assertThat(cp.getSeed()).isEqualTo(r.getParams().getSeed() != null ? r.getParams().getSeed()
                        : dev.genstream.engine.sampling.CounterRng.seedFor(id));
                assertThat(cp.getText()).as(id + " vs genstream generate").isEqualTo(generate(args));
            }

            for (Completion cp : out.completions()) {
                assertThat(cp.getUsage().getCachedTokens()).isBetween(0, cp.getUsage().getPromptTokens() - 1);
            }
            // A next turn: the first prompt, its answer, then more. Its context comes from the prefix cache (on by
            // default), and its text is still what `genstream generate` (no cache) gives.
            PromptRequest first = requests.get(10);
            String prompt = first.getPrompt() + out.completionsOf(first.getRequestId()).get(0).getText() + " And God saw";
            env.send(c, List.of(KafkaTestEnv.request("turn-2", prompt, 12, 0.9f, 7L)));
            Completion next = env.collect(c, o -> !o.completionsOf("turn-2").isEmpty(), Duration.ofSeconds(120)).completionsOf("turn-2").get(0);
            assertThat(next.getUsage().getCachedTokens()).isPositive().isLessThan(next.getUsage().getPromptTokens());
            assertThat(next.getText()).isEqualTo(generate(List.of("generate", "--model", BundledModel.path().toString(),
                    "--prompt", prompt, "--max-tokens", "12", "--temperature", "0.9", "--seed", "7", "--threads", "1")));

            try (SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(c.kafka())) {
                for (String topic : List.of(GenstreamConfig.TOPIC_PROMPTS, GenstreamConfig.TOPIC_TOKENS, GenstreamConfig.TOPIC_COMPLETIONS)) {
                    assertThat(registry.latest(c.get(topic) + "-value").schema().getName()).isIn("PromptRequest", "TokenEvent", "Completion");
                }
            }
        }
    }

    /** stdout of `genstream generate`, without the newline it ends with. */
    static synchronized String generate(List<String> args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(Main.run(args.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.substring(0, s.length() - System.lineSeparator().length());
    }
}
