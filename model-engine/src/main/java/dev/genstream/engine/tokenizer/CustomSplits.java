package dev.genstream.engine.tokenizer;

/**
 * Hand-written scanners for the two most common pre-tokenizer regexes, behaving like llama.cpp's
 * {@code unicode_regex_split_custom_gpt2/llama3} (including their quirks at piece ends) but in one linear pass.
 */
final class CustomSplits {
    private static final int OUT_OF_RANGE = -1;

    private CustomSplits() {}

    /** A piece of the text: code points and flags, "nothing" past either end. */
    private static final class Piece {
        final int[] cps;
        final int ini;
        final int end;
        int prevEnd;
        final IntList out;

        Piece(int[] cps, int ini, int end, IntList out) {
            this.cps = cps;
            this.ini = ini;
            this.end = end;
            this.prevEnd = ini;
            this.out = out;
        }

        int cp(int pos) {
            return pos >= ini && pos < end ? cps[pos] : OUT_OF_RANGE;
        }

        int flags(int pos) {
            return pos >= ini && pos < end ? Unicode.flags(cps[pos]) : 0;
        }

        /** Emits the word ending at {@code pos}; returns its length. */
        int emit(int pos) {
            int len = pos - prevEnd;
            if (len > 0) out.add(len);
            prevEnd = pos;
            return len;
        }
    }

    private static boolean isWord(int f) {
        return (f & (Unicode.WHITESPACE | Unicode.LETTER | Unicode.NUMBER)) != 0;
    }

    /** {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} */
    static void gpt2(PreTokenizer.Text text, IntList pieces, IntList out) {
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Piece t = new Piece(text.cps, start, start + pieces.get(p), out);
            start = t.end;
            for (int pos = t.ini; pos < t.end; ) {
                int cp = t.cp(pos);
                int flags = t.flags(pos);
                if (cp == '\'' && pos + 1 < t.end) {
                    int next = t.cp(pos + 1);
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += t.emit(pos + 2);
                        continue;
                    }
                    if (pos + 2 < t.end) {
                        int next2 = t.cp(pos + 2);
                        if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                            pos += t.emit(pos + 3);
                            continue;
                        }
                    }
                }
                int f2 = cp == ' ' ? t.flags(pos + 1) : flags;
                if ((f2 & Unicode.LETTER) != 0) {
                    if (cp == ' ') pos++;
                    while ((t.flags(pos) & Unicode.LETTER) != 0) pos++;
                    t.emit(pos);
                    continue;
                }
                if ((f2 & Unicode.NUMBER) != 0) {
                    if (cp == ' ') pos++;
                    while ((t.flags(pos) & Unicode.NUMBER) != 0) pos++;
                    t.emit(pos);
                    continue;
                }
                if (!isWord(f2) && f2 != 0) {
                    if (cp == ' ') pos++;
                    for (int f = t.flags(pos); !isWord(f) && f != 0; f = t.flags(++pos)) { }
                    t.emit(pos);
                    continue;
                }
                pos = whitespace(t, pos, false);
            }
        }
    }

    /**
     * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
     * |\s*[\r\n]+|\s+(?!\S)|\s+}
     */
    static void llama3(PreTokenizer.Text text, IntList pieces, IntList out) {
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Piece t = new Piece(text.cps, start, start + pieces.get(p), out);
            start = t.end;
            for (int pos = t.ini; pos < t.end; ) {
                int cp = t.cp(pos);
                int flags = t.flags(pos);
                if (cp == '\'' && pos + 1 < t.end) {
                    int next = Unicode.toLower(t.cp(pos + 1));
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += t.emit(pos + 2);
                        continue;
                    }
                    if (pos + 2 < t.end) {
                        int next2 = Unicode.toLower(t.cp(pos + 2));
                        if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                            pos += t.emit(pos + 3);
                            continue;
                        }
                    }
                }
                if (!(cp == '\r' || cp == '\n' || (flags & Unicode.NUMBER) != 0)
                        && ((flags & Unicode.LETTER) != 0 || (t.flags(pos + 1) & Unicode.LETTER) != 0)) {
                    pos++;
                    while ((t.flags(pos) & Unicode.LETTER) != 0) pos++;
                    t.emit(pos);
                    continue;
                }
                if ((flags & Unicode.NUMBER) != 0) {
                    int ini = pos;
                    while ((t.flags(pos) & Unicode.NUMBER) != 0) {
                        if (++pos - ini >= 3) {
                            t.emit(pos);
                            ini = pos;
                        }
                    }
                    t.emit(pos);
                    continue;
                }
                int f2 = cp == ' ' ? t.flags(pos + 1) : flags;
                // llama.cpp tests the current char's flags here, not f2; kept for identical output
                if (!isWord(f2) && flags != 0) {
                    if (cp == ' ') pos++;
                    for (int f = f2; !isWord(f) && f != 0; f = t.flags(++pos)) { }
                    for (int c = t.cp(pos); c == '\r' || c == '\n'; c = t.cp(++pos)) { }
                    t.emit(pos);
                    continue;
                }
                pos = whitespace(t, pos, true);
            }
        }
    }

    /** {@code (\s*[\r\n]+)?|\s+(?!\S)|\s+|.}: the tail both regexes share; returns the new position. */
    private static int whitespace(Piece t, int pos, boolean newlineRuns) {
        int n = 0;
        int lastNewlineEnd = 0;
        while ((t.flags(pos + n) & Unicode.WHITESPACE) != 0) {
            int c = t.cp(pos + n);
            if (c == '\r' || c == '\n') lastNewlineEnd = pos + n + 1;
            n++;
        }
        if (newlineRuns && lastNewlineEnd > 0) {
            t.emit(lastNewlineEnd);
            return lastNewlineEnd;
        }
        if (n > 1 && t.cp(pos + n) != OUT_OF_RANGE) {
            pos += n - 1;
            t.emit(pos);
            return pos;
        }
        if (n > 0) {
            pos += n;
            t.emit(pos);
            return pos;
        }
        t.emit(++pos);
        return pos;
    }
}
