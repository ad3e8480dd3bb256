package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import dev.genstream.schemas.TokenGrouping;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The app in its own JVM, killed with SIGKILL three times while generations are in flight and restarted each
 * time. A read_committed reader must then see exactly one completion per request, every token index once, and
 * texts byte-identical to an uninterrupted run with the same seeds, sampled requests included. Two requests ask
 * token_grouping punctuation: their grouped events must carry every token once too.
 */
@Timeout(900)
class CrashResumeTest extends KafkaTestBase {
    @Test
    void killMinusNineThreeTimesLosesNothingAndDuplicatesNothing() throws Exception {
        GenstreamConfig c = env.config("crash", Map.of(
                GenstreamConfig.BATCH_SIZE, "4",
                // Static membership: a restarted instance takes its partitions back at once, without a rebalance wait.
                "main.consumer.group.instance.id", "crash-test-instance",
                "consumer.session.timeout.ms", "10000"));
        Path configFile = Files.createTempFile("genstream-crash", ".properties");
        Properties p = new Properties();
        p.putAll(c.asMap());
        try (Writer w = Files.newBufferedWriter(configFile)) {
            p.store(w, "crash test");
        }
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            boolean greedy = i % 2 == 0;
            requests.add(KafkaTestEnv.request("crash-" + i, PROMPTS[i], 600 + 10 * i, greedy ? 0f : 0.9f, greedy ? null : 500L + i));
            if (i == 3 || i == 6) requests.getLast().getParams().setTokenGrouping(TokenGrouping.punctuation);
        }
        Map<String, Generator.Result> expected = uninterrupted(requests);

        Path log = Files.createTempFile("genstream-crash-app", ".log");
        Process app = launch(configFile, log);
        env.send(c, requests);
        List<String> kills = new ArrayList<>();
        int seen = 0;
        for (int kill = 1; kill <= 3; kill++) {
            int before = seen;
            // Let the (new) instance deliver a little, then kill it mid-generation.
            KafkaTestEnv.Outputs now = env.collect(c, o -> o.tokens().size() >= before + 40 || o.completions().size() == requests.size(),
                    Duration.ofSeconds(180), Duration.ZERO);
            seen = now.tokens().size();
            assertThat(now.completions().size()).as("still in flight at kill %d", kill).isLessThan(requests.size());
            assertThat(seen).as("progress before kill %d (app log: %s)", kill, log).isGreaterThan(before);
            app.destroyForcibly().waitFor();
            kills.add("kill " + kill + ": " + seen + " token events and " + now.completions().size() + " completions committed");
            app = launch(configFile, log);
        }
        try {
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= requests.size(), Duration.ofSeconds(300));
            System.out.println("[crash-resume] " + String.join("; ", kills));
            assertThat(out.completions()).as("completions (app log: %s)", log).hasSize(requests.size());
            assertThat(out.deadLetters()).isEmpty();
            for (PromptRequest r : requests) {
                String id = r.getRequestId();
                List<Completion> cs = out.completionsOf(id);
                assertThat(cs).as(id).hasSize(1);
                List<TokenEvent> ts = out.tokensOf(id);
                boolean grouped = r.getParams().getTokenGrouping() == TokenGrouping.punctuation;
                assertThat(ts).as(id).allMatch(t -> (t.getGroup() != null) == grouped);
                List<TokenGroups.Token> flat = TokenGroups.flatten(ts);
                assertThat(flat.stream().map(TokenGroups.Token::index).toList()).as(id + " indices")
                        .containsExactlyElementsOf(IntStream.range(0, flat.size()).boxed().toList());
                Generator.Result e = expected.get(id);
                assertThat(cs.get(0).getText()).as(id + " text").isEqualTo(e.text());
                int[] ids = flat.stream().mapToInt(TokenGroups.Token::tokenId).toArray();
                assertThat(java.util.Arrays.copyOf(ids, e.tokens().length)).as(id + " tokens").containsExactly(e.tokens());
                StringBuilder joined = new StringBuilder();
                ts.forEach(t -> joined.append(t.getText()));
                assertThat(joined).hasToString(e.text());
            }
        } finally {
            app.destroyForcibly().waitFor();
        }
    }

    /** The same requests through the engine directly, start to finish. */
    static Map<String, Generator.Result> uninterrupted(List<PromptRequest> requests) throws Exception {
        Map<String, Generator.Result> out = new HashMap<>();
        try (Model m = Model.load(BundledModel.path(), 2)) {
            PromptValidator v = new PromptValidator(m.tokenizer(),
                    ChatPrompter.forModel(m.file().metadata(), m.tokenizer(), null).orElseThrow(), "kjv-llama-6m",
                    m.config().contextLength(), 2048);
            Generator g = new Generator(m, m.tokenizer(), Math.min(m.config().contextLength(), 4096));
            for (PromptRequest r : requests) {
                PromptValidator.Accepted a = v.validate(r);
                out.put(r.getRequestId(), g.generate(a.promptIds(), a.params(), t -> {}));
            }
        }
        return out;
    }

    static Process launch(Path config, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx768m",
                "-Dgenstream.home=" + System.getProperty("genstream.home", ".."),
                "-cp", System.getProperty("java.class.path"), "dev.genstream.app.Main", "run", "--config", config.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
