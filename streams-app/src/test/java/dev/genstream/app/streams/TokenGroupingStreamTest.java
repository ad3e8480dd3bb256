package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.schemas.Completion;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import dev.genstream.schemas.TokenGrouping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * token_grouping punctuation: one TokenEvent per delivery round. Each request is sent twice, once grouped and once
 * per token (the default); both must give the same completion, and the grouped events must carry every token
 * index exactly once, in order, with the same ids, texts and logprobs as the one-token events.
 */
@Timeout(300)
class TokenGroupingStreamTest extends KafkaTestBase {
    @Test
    void groupedEventsCarryEveryTokenOnceInOrderAndJoinToTheCompletion() throws Exception {
        // A slow punctuator, so that rounds hold several tokens even on a busy machine.
        GenstreamConfig c = env.config("grouping", Map.of(GenstreamConfig.BATCH_SIZE, "8", GenstreamConfig.PUNCTUATE_MS, "200"));
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean greedy = i % 2 == 0;
            for (TokenGrouping g : TokenGrouping.values()) {
                PromptRequest r = KafkaTestEnv.request(g + "-" + i, PROMPTS[i], 40 + 5 * i, greedy ? 0f : 0.9f, greedy ? null : 300L + i);
                r.getParams().setTokenGrouping(g);
                if (i == 1) r.getParams().setLogprobs(2);
                if (greedy) r.getParams().setSeed(42L); // same seed for both twins, though greedy ignores it
                requests.add(r);
            }
        }
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, requests);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= requests.size(), Duration.ofSeconds(180));
            assertThat(out.completions()).hasSize(requests.size());
            assertThat(out.deadLetters()).isEmpty();
            int groupedEvents = 0, groupedTokens = 0;
            for (int i = 0; i < 4; i++) {
                String grouped = "punctuation-" + i, single = "token-" + i;
                List<Completion> gc = out.completionsOf(grouped), sc = out.completionsOf(single);
                assertThat(gc).as(grouped).hasSize(1);
                assertThat(sc).as(single).hasSize(1);
                assertThat(gc.getFirst().getText()).as(grouped + " vs " + single).isEqualTo(sc.getFirst().getText());

                List<TokenEvent> singles = out.tokensOf(single);
                assertThat(singles).as(single).allMatch(t -> t.getGroup() == null);
                List<TokenEvent> groups = out.tokensOf(grouped);
                assertThat(groups).as(grouped).allMatch(t -> t.getGroup() != null);
                List<TokenGroups.Token> flat = TokenGroups.flatten(groups);
                assertThat(flat.stream().map(TokenGroups.Token::index).toList()).as(grouped + " indices")
                        .containsExactlyElementsOf(IntStream.range(0, flat.size()).boxed().toList());
                assertThat(flat).as(grouped + " tokens").containsExactlyElementsOf(TokenGroups.flatten(singles));
                assertThat(flat.stream().map(TokenGroups.Token::tokenId).toList()).isEqualTo(gc.getFirst().getTokenIds());
                StringBuilder joined = new StringBuilder();
                groups.forEach(t -> joined.append(t.getText()));
                assertThat(joined).as(grouped + " texts").hasToString(gc.getFirst().getText());
                if (i == 1) {
                    assertThat(groups).allSatisfy(t -> assertThat(t.getGroup()).allSatisfy(g -> assertThat(g.getTopLogprobs()).hasSize(2)));
                    for (int k = 0, n = 0; k < groups.size(); k++) {
                        for (var g : groups.get(k).getGroup()) {
                            assertThat(g.getTopLogprobs()).as("alternatives of token %d", n).isEqualTo(singles.get(n++).getTopLogprobs());
                        }
                    }
                }
                groupedEvents += groups.size();
                groupedTokens += flat.size();
            }
            System.out.printf("[token-grouping] %d tokens in %d grouped events%n", groupedTokens, groupedEvents);
            assertThat(groupedEvents).as("grouped events for %d tokens", groupedTokens).isLessThan(groupedTokens);
        }
    }
}
