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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The crash tests' scaffolding: the service in a JVM of its own (so it can be SIGKILLed), its config file, the
 * engine-only answers to compare with, and the exactly-once check a read_committed reader's view must pass.
 */
final class ServiceJvm {
    private ServiceJvm() {}

    /** {@code c} as a properties file {@code run --config} reads. */
    static Path writeConfig(GenstreamConfig c, Path file) throws IOException {
        Properties p = new Properties();
        p.putAll(c.asMap());
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    static Path writeConfig(GenstreamConfig c) throws IOException {
        return writeConfig(c, Files.createTempFile("genstream-service", ".properties"));
    }

    /** {@code genstream run --config config} in a new JVM, output appended to {@code log}; {@code jvmOptions} come last, so they win. */
    static Process launch(Path config, Path log, String... jvmOptions) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx768m",
                "-Dgenstream.home=" + System.getProperty("genstream.home", "..")));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.genstream.app.Main", "run", "--config", config.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** The same requests through the engine directly, start to finish. */
    /**
     * SIGKILLs the service {@code kills} times, each once it has committed 40 more token events while requests are
     * still unanswered, relaunching it after each; returns the running JVM and one line per kill.
     */
    static Process killMidGeneration(KafkaTestEnv env, GenstreamConfig c, Path config, Path log, Process app, int kills,
                                     int requests, List<String> report) throws Exception {
        int seen = 0;
        for (int kill = 1; kill <= kills; kill++) {
            int before = seen;
            KafkaTestEnv.Outputs now = env.collect(c, o -> o.tokens().size() >= before + 40 || o.completions().size() == requests,
                    java.time.Duration.ofSeconds(180), java.time.Duration.ZERO);
            seen = now.tokens().size();
            assertThat(now.completions().size()).as("still in flight at kill %d", kill).isLessThan(requests);
            assertThat(seen).as("progress before kill %d (app log: %s)", kill, log).isGreaterThan(before);
            app.destroyForcibly().waitFor();
            report.add("kill " + kill + ": " + seen + " token events and " + now.completions().size() + " completions committed");
            app = launch(config, log);
        }
        return app;
    }

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

    /**
     * Every request has exactly one completion and its token indices 0..n-1 once each, and its token ids, the
     * tokens' texts joined and the completion's text equal the engine's uninterrupted run.
     */
    static void assertExactlyOnce(List<PromptRequest> requests, Function<String, List<Completion>> completionsOf,
                                  Function<String, List<TokenEvent>> tokensOf, Map<String, Generator.Result> expected) {
        for (PromptRequest r : requests) {
            String id = r.getRequestId();
            List<Completion> cs = completionsOf.apply(id);
            assertThat(cs).as(id + " completions").hasSize(1);
            List<TokenEvent> ts = tokensOf.apply(id);
            boolean grouped = r.getParams().getTokenGrouping() == TokenGrouping.punctuation;
            assertThat(ts).as(id + " grouping").allMatch(t -> (t.getGroup() != null) == grouped);
            List<TokenGroups.Token> flat = TokenGroups.flatten(ts);
            assertThat(flat.stream().map(TokenGroups.Token::index).toList()).as(id + " indices")
                    .containsExactlyElementsOf(IntStream.range(0, flat.size()).boxed().toList());
            Generator.Result e = expected.get(id);
            assertThat(cs.get(0).getText()).as(id + " text").isEqualTo(e.text());
            int[] ids = flat.stream().mapToInt(TokenGroups.Token::tokenId).toArray();
            assertThat(Arrays.copyOf(ids, e.tokens().length)).as(id + " tokens").containsExactly(e.tokens());
            StringBuilder joined = new StringBuilder();
            ts.forEach(t -> joined.append(t.getText()));
            assertThat(joined).as(id + " token texts").hasToString(e.text());
        }
    }
}
