package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {
    @Test
    void releasesTextUntilAStopStringThatArrivesInPieces() {
        StopMatcher m = new StopMatcher(List.of("\n\n", "Amen"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("And he said", " A", "m", "o", "s; A", "me", "n. Then")) out.append(m.push(piece));
        assertThat(m.stopped()).isTrue();
        assertThat(out).hasToString("And he said Amos; ");
        assertThat(m.push("more")).isEmpty();
    }

    @Test
    void holdsBackOnlyAPossibleStopPrefixAndFlushesIt() {
        StopMatcher m = new StopMatcher(List.of("</end>"));
        assertThat(m.push("text </e")).isEqualTo("text ");
        assertThat(m.push("xtra")).isEqualTo("</extra");
        assertThat(m.push(" </")).isEqualTo(" ");
        assertThat(m.flush()).isEqualTo("</");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void withoutStopStringsEverythingPassesThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertThat(m.push("abc")).isEqualTo("abc");
        assertThat(m.flush()).isEmpty();
    }
}
