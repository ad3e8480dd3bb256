package dev.genstream.app.cli;

import static dev.genstream.app.cli.CliContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.engine.testing.BundledModel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bench --conversation: the last turn's history comes from the cache, and its first token is the same on and off. */
class ConversationBenchTest {
    @Test
    void theLastTurnHitsTheCacheAndMatchesTheUncachedRun() {
        Run r = run("bench", "--conversation", "--model", BundledModel.path().toString(), "--turns", "3",
                "--history-tokens", "200", "--gen-tokens", "8", "--repeat", "2", "--json", "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher m = Pattern.compile("\"history_tokens\":(\\d+),\"prompt_tokens\":(\\d+),\"cached_tokens\":(\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        int history = Integer.parseInt(m.group(1)), prompt = Integer.parseInt(m.group(2)), cached = Integer.parseInt(m.group(3));
        assertThat(history).isBetween(150, 260);
        assertThat(cached).isGreaterThanOrEqualTo(history - 2).isLessThan(prompt); // all but a retokenized boundary
        assertThat(r.out()).contains("\"identical\":true").contains("\"ttft_ratio\":");
    }

    @Test
    void aConversationPastTheContextIsOneLine() {
        Run r = run("bench", "--conversation", "--model", BundledModel.path().toString(), "--history-tokens", "5000", "--repeat", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("past the context size of 1024").contains("--ctx-size");
        assertThat(run("bench", "--conversation", "--turns", "1").err()).contains("--turns must be at least 2");
    }
}
