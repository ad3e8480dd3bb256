package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.schemas.GroupedToken;
import dev.genstream.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.List;

/** Token events, one-token or grouped (token_grouping punctuation), read back as the tokens they carry. */
final class TokenGroups {
    record Token(int index, int tokenId, String text, double logprob) {}

    private TokenGroups() {}

    /** Every token the events carry, in event order; a grouped event's own fields must agree with its group. */
    static List<Token> flatten(List<TokenEvent> events) {
        List<Token> out = new ArrayList<>();
        for (TokenEvent e : events) {
            if (e.getGroup() == null) {
                out.add(new Token(e.getIndex(), e.getTokenId(), e.getText(), e.getLogprob()));
                continue;
            }
            List<GroupedToken> g = e.getGroup();
            assertThat(g).as("group of %s at %d", e.getRequestId(), e.getIndex()).isNotEmpty();
            assertThat(e.getTokenId()).isEqualTo(g.getFirst().getTokenId());
            assertThat(e.getTopLogprobs()).isNull();
            StringBuilder text = new StringBuilder();
            double logprob = 0;
            for (int i = 0; i < g.size(); i++) {
                out.add(new Token(e.getIndex() + i, g.get(i).getTokenId(), g.get(i).getText(), g.get(i).getLogprob()));
                text.append(g.get(i).getText());
                logprob += g.get(i).getLogprob();
            }
            assertThat(e.getText()).isEqualTo(text.toString());
            assertThat(e.getLogprob()).isEqualTo(logprob);
        }
        return out;
    }
}
