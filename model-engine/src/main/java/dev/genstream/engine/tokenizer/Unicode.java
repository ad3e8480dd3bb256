package dev.genstream.engine.tokenizer;

/**
 * Code point classes as llama.cpp's unicode tables define them (Python {@code regex} categories and the Unicode
 * White_Space property), plus UTF-8 helpers. Java's own {@code Character.isWhitespace} differs (it counts U+001C..1F
 * and not U+00A0), so whitespace is listed by hand.
 */
final class Unicode {
    static final int NUMBER = 1;
    static final int LETTER = 1 << 1;
    static final int SEPARATOR = 1 << 2;
    static final int MARK = 1 << 3;
    static final int PUNCTUATION = 1 << 4;
    static final int SYMBOL = 1 << 5;
    static final int CONTROL = 1 << 6;
    static final int WHITESPACE = 1 << 7;
    /** Set for every real code point, so "outside the text" (0) differs from an unassigned code point. */
    static final int VALID = 1 << 8;

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int cp = 0; cp < BMP.length; cp++) BMP[cp] = (byte) compute(cp);
    }

    private Unicode() {}

    /** Category and whitespace bits of {@code cp}, always with {@link #VALID}. */
    static int flags(int cp) {
        return VALID | (cp < 0x10000 ? BMP[cp] & 0xff : compute(cp));
    }

    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    private static int compute(int cp) {
        int ws = isWhitespace(cp) ? WHITESPACE : 0;
        int cat = switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            default -> 0; // unassigned: llama.cpp's "undefined"
        };
        return ws | cat;
    }

    /**
     * The one-char stand-in llama.cpp uses so byte-oriented regexes can test Unicode categories: ASCII stays, other
     * whitespace becomes VT, other code points become 0xD1 (number), 0xD2 (letter), 0xD3 (punctuation), 0xD4 (mark),
     * 0xD5 (symbol) or 0xD0.
     */
    static char collapsed(int cp) {
        if (cp < 128) return (char) cp;
        int f = flags(cp);
        if ((f & WHITESPACE) != 0) return 0x0B;
        if ((f & NUMBER) != 0) return 0xD1;
        if ((f & LETTER) != 0) return 0xD2;
        if ((f & PUNCTUATION) != 0) return 0xD3;
        if ((f & MARK) != 0) return 0xD4;
        if ((f & SYMBOL) != 0) return 0xD5;
        return 0xD0;
    }

    /** First code point of Python's {@code chr(cp).lower()}, which is what llama.cpp's table holds. */
    static int toLower(int cp) {
        return Character.toLowerCase(cp);
    }

    /** Code points of {@code s[from, to)}; unpaired surrogates become U+FFFD as they would in UTF-8. */
    static int[] codePoints(String s, int from, int to) {
        int[] out = new int[to - from];
        int n = 0;
        for (int i = from; i < to; ) {
            char c = s.charAt(i++);
            int cp = c;
            if (Character.isHighSurrogate(c) && i < to && Character.isLowSurrogate(s.charAt(i))) {
                cp = Character.toCodePoint(c, s.charAt(i++));
            } else if (Character.isSurrogate(c)) {
                cp = 0xFFFD;
            }
            out[n++] = cp;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** Appends the UTF-8 encoding of {@code cp} to {@code out} at {@code pos}; returns the new position. */
    static int putUtf8(byte[] out, int pos, int cp) {
        if (cp < 0x80) {
            out[pos++] = (byte) cp;
        } else if (cp < 0x800) {
            out[pos++] = (byte) (0xC0 | cp >> 6);
            out[pos++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            out[pos++] = (byte) (0xE0 | cp >> 12);
            out[pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[pos++] = (byte) (0x80 | cp & 0x3F);
        } else {
            out[pos++] = (byte) (0xF0 | cp >> 18);
            out[pos++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[pos++] = (byte) (0x80 | cp & 0x3F);
        }
        return pos;
    }

    static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** UTF-8 of {@code cps[from, to)}. */
    static byte[] utf8(int[] cps, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) n += utf8Length(cps[i]);
        byte[] out = new byte[n];
        int pos = 0;
        for (int i = from; i < to; i++) pos = putUtf8(out, pos, cps[i]);
        return out;
    }
}
