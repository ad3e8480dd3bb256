package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request decoded alone and alongside 7 others gives identical tokens, logprobs and alternatives. The second copy
 * also takes its prompt from the prefix cache (on by default), which must not change a bit either.
 */
@Timeout(300)
class BatchInvarianceStreamTest extends KafkaTestBase {
    static PromptRequest probe(String id) {
        return PromptRequest.newBuilder().setRequestId(id).setPrompt("And the LORD spake unto Moses, saying,").setCreatedAt(Instant.now())
                .setParams(GenerationParams.newBuilder().setMaxTokens(40).setTemperature(1.0f).setSeed(4242L).setLogprobs(3).build())
                .build();
    }

    @Test
    void decodingAloneAndInABatchOfEightGivesIdenticalTokensAndLogprobs() throws Exception {
        GenstreamConfig c = env.config("batch", Map.of(GenstreamConfig.BATCH_SIZE, "8"));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, List.of(probe("alone")));
            env.collect(c, o -> o.completionsOf("alone").size() == 1, Duration.ofSeconds(120));

            List<PromptRequest> crowd = new ArrayList<>();
            for (int i = 0; i < 7; i++) crowd.add(KafkaTestEnv.request("other-" + i, "In the beginning was the", 30 + 3 * i, 0.7f, (long) i));
            crowd.add(3, probe("together"));
            long stepsBefore = app.service().scheduler().steps();
            env.send(c, crowd);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= 9, Duration.ofSeconds(120));
            long steps = app.service().scheduler().steps() - stepsBefore;

            List<TokenEvent> alone = out.tokensOf("alone"), together = out.tokensOf("together");
            assertThat(alone).isNotEmpty();
            assertThat(together).hasSameSizeAs(alone);
            for (int i = 0; i < alone.size(); i++) {
                TokenEvent a = alone.get(i), t = together.get(i);
                assertThat(t.getTokenId()).as("token %d", i).isEqualTo(a.getTokenId());
                assertThat(t.getLogprob()).as("logprob %d", i).isEqualTo(a.getLogprob());
                assertThat(t.getTopLogprobs()).as("alternatives %d", i).isEqualTo(a.getTopLogprobs());
                assertThat(t.getText()).isEqualTo(a.getText());
            }
            assertThat(out.completionsOf("together").get(0).getText()).isEqualTo(out.completionsOf("alone").get(0).getText());
            int promptTokens = out.completionsOf("alone").get(0).getUsage().getPromptTokens();
            assertThat(out.completionsOf("alone").get(0).getUsage().getCachedTokens()).isZero();
            assertThat(out.completionsOf("together").get(0).getUsage().getCachedTokens()).isEqualTo(promptTokens - 1);
            // The eight really were decoded together: far fewer forward passes than their tokens.
            int totalTokens = out.tokens().size() - alone.size();
            assertThat(steps).isLessThan(totalTokens / 2);
        }
    }
}
