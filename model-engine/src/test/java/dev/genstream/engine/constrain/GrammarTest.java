package dev.genstream.engine.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** GBNF parsing and byte-level matching, including UTF-8 classes, repetitions and error positions. */
class GrammarTest {
    static boolean matches(String gbnf, String text) {
        return Grammar.parse(gbnf).matches(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void literalsAlternativesAndGroups() {
        String g = "root ::= \"a\" (\"b\" | \"cd\")+ # comment\n";
        assertThat(matches(g, "ab")).isTrue();
        assertThat(matches(g, "acdbcd")).isTrue();
        assertThat(matches(g, "a")).isFalse();
        assertThat(matches(g, "ac")).isFalse();
        assertThat(matches(g, "abx")).isFalse();
    }

    @Test
    void boundedRepetitionsCountItems() {
        String g = "root ::= [0-9]{2,3} \"x\"{0,1} [a]{2}";
        assertThat(matches(g, "12aa")).isTrue();
        assertThat(matches(g, "123xaa")).isTrue();
        assertThat(matches(g, "1aa")).isFalse();
        assertThat(matches(g, "1234aa")).isFalse();
        assertThat(matches(g, "12xxaa")).isFalse();
        assertThat(matches("root ::= \"ab\"{2,}", "abab")).isTrue();
        assertThat(matches("root ::= \"ab\"{2,}", "ab")).isFalse();
    }

    @Test
    void characterClassesAreCodePointsInUtf8() {
        String g = "root ::= [^\"\\\\]* \"!\"";
        assertThat(matches(g, "héllo 日本 😀!")).isTrue();
        assertThat(matches(g, "a\"!")).isFalse();
        String greek = "root ::= [α-ω]+";
        assertThat(matches(greek, "λόγος".replace("ό", "ο"))).isTrue();
        assertThat(matches(greek, "abc")).isFalse();
        assertThat(matches("root ::= .", "€")).isTrue();
        assertThat(Grammar.parse("root ::= .").matches(new byte[] {(byte) 0xE2, (byte) 0x82})).isFalse();
        assertThat(Grammar.parse("root ::= .").matches(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse(); // overlong
    }

    @Test
    void rulesEscapesAndMultiLineAlternatives() {
        String g = """
                root ::= item ("," item)*
                item ::= "\\x41" |
                         "\\u00e9" | num
                num ::= [0-9]+
                """;
        assertThat(matches(g, "A,é,42")).isTrue();
        assertThat(matches(g, "A,,")).isFalse();
        // as in llama.cpp, a newline ends the rule unless after '|' or inside parentheses
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\n  | \"b\"")).hasMessageContaining("line 2, column 3");
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\nfoo ::= [a-z\n"))
                .isInstanceOf(GrammarException.class).hasMessageContaining("line 2, column 9").hasMessageContaining("character class");
        assertThatThrownBy(() -> Grammar.parse("root ::= item\n"))
                .hasMessageContaining("undefined rule 'item'").hasMessageContaining("line 1, column 10");
        assertThatThrownBy(() -> Grammar.parse("root = \"a\""))
                .hasMessageContaining("line 1, column 6").hasMessageContaining("'::='");
        assertThatThrownBy(() -> Grammar.parse("a ::= \"x\"")).hasMessageContaining("no 'root' rule");
        assertThatThrownBy(() -> Grammar.parse("root ::= * \"a\"")).hasMessageContaining("nothing to repeat");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\" \"\\q\"")).hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> Grammar.parse("root ::= (\"a\"")).hasMessageContaining("expected ')'");
        assertThatThrownBy(() -> Grammar.parse("root ::= root \"a\" | \"b\"")).hasMessageContaining("left recursion");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\" root")).hasMessageContaining("can never finish");
    }
}
