package dev.genstream.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece (BERT), as llama.cpp's {@code llm_tokenizer_wpm}: lower-case and strip accents, split on whitespace and
 * around punctuation and CJK characters, then cover each word ("▁" + word) greedily with the longest tokens; a word
 * that cannot be covered becomes the unknown token. Encoding with addSpecial wraps the ids in [CLS] ... [SEP].
 */
final class WpmTokenizer extends Tokenizer {
    private static final char SPACE = '\u2581';

    WpmTokenizer(Vocab vocab) {
        super(vocab);
    }

    @Override
    void encode(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial && vocab.bos >= 0) out.add(vocab.bos);
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f.token());
                continue;
            }
            for (String word : words(Unicode.codePoints(text, f.start(), f.end()))) encodeWord(word, out);
        }
        if (addSpecial && vocab.sep >= 0) out.add(vocab.sep);
    }

    private void encodeWord(String word, IntList out) {
        char[] w = (SPACE + word).toCharArray();
        int before = out.size();
        int maxLength = vocab.index.maxLength();
        for (int i = 0; i < w.length; ) {
            int match = -1;
            for (int j = Math.min(w.length, i + maxLength); j > i; j--) {
                int id = vocab.index.find(w, i, j);
                if (id >= 0) {
                    out.add(id);
                    match = j;
                    break;
                }
            }
            if (match < 0) { // one uncovered piece discards the whole word
                out.truncate(before);
                break;
            }
            i = match;
        }
        if (out.size() == before && vocab.unk >= 0) out.add(vocab.unk);
    }

    /** llama.cpp's WPM preprocessing: NFD-first-code-point, lower-case, split on spaces, punctuation and CJK. */
    private List<String> words(int[] cps) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int cp : cps) {
            if (vocab.stripAccents) cp = firstOfNfd(cp);
            int flags = Unicode.flags(cp);
            if ((flags & Unicode.WHITESPACE) != 0) {
                flush(word, words);
                continue;
            }
            if (cp == 0 || cp == 0xFFFD || (flags & Unicode.CONTROL) != 0) continue;
            if (vocab.stripAccents && (flags & Unicode.MARK) != 0) continue;
            int c = vocab.lowercase ? Unicode.toLower(cp) : cp;
            if ((flags & Unicode.PUNCTUATION) != 0 || (cp < 0x7F && (flags & Unicode.SYMBOL) != 0) || isChinese(cp)) {
                flush(word, words);
                words.add(new String(Character.toChars(c)));
            } else {
                word.appendCodePoint(c);
            }
        }
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static int firstOfNfd(int cp) {
        if (cp < 0xC0) return cp;
        String s = new String(Character.toChars(cp));
        return Normalizer.isNormalized(s, Normalizer.Form.NFD) ? cp : Normalizer.normalize(s, Normalizer.Form.NFD).codePointAt(0);
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) // HF's bound (0x2B820 in Unicode)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    @Override
    byte[] normalPiece(String text) {
        return text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }
}
