package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.generate.Generator;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenGrouping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        Path configFile = ServiceJvm.writeConfig(c);
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            boolean greedy = i % 2 == 0;
            requests.add(KafkaTestEnv.request("crash-" + i, PROMPTS[i], 600 + 10 * i, greedy ? 0f : 0.9f, greedy ? null : 500L + i));
            if (i == 3 || i == 6) requests.getLast().getParams().setTokenGrouping(TokenGrouping.punctuation);
        }
        Map<String, Generator.Result> expected = ServiceJvm.uninterrupted(requests);

        Path log = Files.createTempFile("genstream-crash-app", ".log");
        Process app = ServiceJvm.launch(configFile, log);
        env.send(c, requests);
        List<String> kills = new ArrayList<>();
        app = ServiceJvm.killMidGeneration(env, c, configFile, log, app, 3, requests.size(), kills);
        try {
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= requests.size(), Duration.ofSeconds(300));
            System.out.println("[crash-resume] " + String.join("; ", kills));
            assertThat(out.completions()).as("completions (app log: %s)", log).hasSize(requests.size());
            assertThat(out.deadLetters()).isEmpty();
            ServiceJvm.assertExactlyOnce(requests, out::completionsOf, out::tokensOf, expected);
        } finally {
            app.destroyForcibly().waitFor();
        }
    }
}
