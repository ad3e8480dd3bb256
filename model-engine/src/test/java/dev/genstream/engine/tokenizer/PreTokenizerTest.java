package dev.genstream.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written GPT-2 and Llama-3 scanners must split exactly like their regexes run through the generic
 * (collapsed-category) regex path, and the pieces always cover the text.
 */
class PreTokenizerTest {
    /** Letters, digits, punctuation, symbols, marks and every kind of space, in both scripts and cases. */
    private static final int[] ALPHABET = {
        'a', 'b', 'S', 'T', 'e', 'l', 'r', 'v', 'm', 'd', 'D', 'L', 'E', '\'', '0', '7', '½', '²', '٣', ' ', ' ', ' ',
        '\t', '\n', '\r', 0x0B, 0x1C, 0xA0, 0x85, 0x2003, 0x3000, '.', ',', '!', '?', '-', '$', '+', '<', '~', '`', '|',
        '^', '_', '(', '"', 'é', 'ß', 'Ж', '我', '想', 'ក', 'ា', 0x0301, 0x200D, 0xFE0F, 0x1F680, 0x1F999, 0x378, 0xE000,
        0xAD, '€', '©', '…', '“', '」'
    };

    @Test
    void gpt2ScannerMatchesItsRegex() {
        assertSameSplits(PreTokenizer.GPT2);
    }

    @Test
    void llama3ScannerMatchesItsRegex() {
        assertSameSplits(PreTokenizer.LLAMA3);
    }

    private static void assertSameSplits(String regex) {
        PreTokenizer scanner = PreTokenizer.of(List.of(regex));
        PreTokenizer.Stage generic = PreTokenizer.RegexStage.of(regex);
        Random random = new Random(7);
        for (int round = 0; round < 5_000; round++) {
            int[] cps = random.ints(1 + random.nextInt(24), 0, ALPHABET.length).map(i -> ALPHABET[i]).toArray();
            IntList whole = new IntList();
            whole.add(cps.length);
            IntList expected = new IntList();
            generic.split(new PreTokenizer.Text(cps), whole, expected);
            IntList actual = scanner.split(cps);
            assertThat(lengths(actual)).as("splits of %s", describe(cps)).isEqualTo(lengths(expected));
            assertThat(lengths(actual).stream().mapToInt(Integer::intValue).sum()).isEqualTo(cps.length);
        }
    }

    @Test
    void piecesOfEveryPreTokenizerCoverTheText() {
        Random random = new Random(11);
        for (String pre : List.of("default", "llama-bpe", "deepseek-llm", "deepseek-coder", "deepseek-v3", "falcon",
                "starcoder", "qwen2", "qwen35", "poro-chat", "viking", "tekken", "chameleon", "gpt-4o", "seed-coder",
                "bailingmoe", "ufakzeka", "no-such-pre")) {
            PreTokenizer p = PreTokenizers.config(pre).build();
            for (int round = 0; round < 500; round++) {
                int[] cps = random.ints(random.nextInt(40), 0, ALPHABET.length).map(i -> ALPHABET[i]).toArray();
                List<Integer> pieces = lengths(p.split(cps));
                assertThat(pieces).as("%s on %s", pre, describe(cps)).allMatch(n -> n > 0);
                assertThat(pieces.stream().mapToInt(Integer::intValue).sum()).isEqualTo(cps.length);
            }
        }
    }

    @Test
    void deepseekLetterClassKeepsItsCompatibilityCharacters() {
        // U+2126 OHM SIGN and U+212A KELVIN SIGN are in the class as themselves; NFC would turn them into Ω and K,
        // and "K-ℭ" into a range spanning most of the BMP (so '×' would count as a letter)
        PreTokenizer letters = PreTokenizer.of(List.of(PreTokenizers.config("deepseek-llm").regexes().get(1)));
        assertThat(lengths(letters.split("ab\u2126\u212Acd".codePoints().toArray()))).containsExactly(6);
        assertThat(lengths(letters.split("a\u00D7b".codePoints().toArray()))).containsExactly(1, 1, 1);
        // the full list then cuts them out again: its CJK class spans U+0800..U+4E00
        PreTokenizer full = PreTokenizers.config("deepseek-llm").build();
        assertThat(lengths(full.split("ab\u2126\u212Acd".codePoints().toArray()))).containsExactly(2, 2, 2);
    }

    private static List<Integer> lengths(IntList l) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) out.add(l.get(i));
        return out;
    }

    private static String describe(int[] cps) {
        StringBuilder sb = new StringBuilder();
        for (int cp : cps) sb.append(String.format("U+%04X ", cp));
        return sb.toString().trim();
    }
}
