package dev.genstream.engine.tokenizer;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words that byte-level BPE merges within, as llama.cpp's {@code unicode_regex_split}: each
 * regex of the list refines the pieces the previous one produced, and text a regex does not match stays a piece of
 * its own. The GPT-2 and Llama-3 regexes run as hand-written scanners (as in llama.cpp); the others run on
 * java.util.regex with llama.cpp's own trick: when a regex uses {@code \p{..}}, every non-ASCII code point is replaced
 * by one stand-in char per category and the regex classes are rewritten to match those stand-ins, so {@code \s} means
 * exactly llama.cpp's whitespace and {@code \p{S}} exactly its (ASCII-incomplete) symbol set.
 */
final class PreTokenizer {
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String LLAMA3_ORIGINAL = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** One regex of the list: turns piece lengths into finer piece lengths (all in code points). */
    interface Stage {
        void split(Text text, IntList pieces, IntList out);
    }

    private final Stage[] stages;

    private PreTokenizer(Stage[] stages) {
        this.stages = stages;
    }

    /** Builds the splitter for llama.cpp's regex list (the strings as llama.cpp holds them). */
    static PreTokenizer of(List<String> regexes) {
        Stage[] stages = new Stage[regexes.size()];
        for (int i = 0; i < stages.length; i++) {
            String re = regexes.get(i);
            if (re.equals(GPT2)) {
                stages[i] = CustomSplits::gpt2;
            } else if (re.equals(LLAMA3) || re.equals(LLAMA3_ORIGINAL)) {
                stages[i] = CustomSplits::llama3;
            } else {
                stages[i] = RegexStage.of(re);
            }
        }
        return new PreTokenizer(stages);
    }

    /** Word lengths, in code points, covering {@code cps} in order. */
    IntList split(int[] cps) {
        Text text = new Text(cps);
        IntList pieces = new IntList(4);
        if (cps.length > 0) pieces.add(cps.length);
        for (Stage stage : stages) {
            IntList out = new IntList(Math.max(16, cps.length / 3));
            stage.split(text, pieces, out);
            pieces = out;
        }
        return pieces;
    }

    /** The code points of a fragment and, built on demand, the char sequences the regexes run on. */
    static final class Text {
        final int[] cps;
        private String collapsed;
        private String wide;
        private int[] cpToChar;
        private int[] charToCp;

        Text(int[] cps) {
            this.cps = cps;
        }

        /** One char per code point (see {@link Unicode#collapsed}), so char and code point indices agree. */
        String collapsed() {
            if (collapsed == null) {
                char[] c = new char[cps.length];
                for (int i = 0; i < c.length; i++) c[i] = Unicode.collapsed(cps[i]);
                collapsed = new String(c);
            }
            return collapsed;
        }

        /** The text itself, but non-ASCII whitespace as VT (what llama.cpp feeds std::wregex). */
        String wide() {
            if (wide == null) {
                StringBuilder sb = new StringBuilder(cps.length + 8);
                cpToChar = new int[cps.length + 1];
                for (int i = 0; i < cps.length; i++) {
                    cpToChar[i] = sb.length();
                    int cp = cps[i];
                    sb.appendCodePoint(cp > 0x7F && Unicode.isWhitespace(cp) ? 0x0B : cp);
                }
                cpToChar[cps.length] = sb.length();
                charToCp = new int[sb.length() + 1];
                for (int i = 0; i <= cps.length; i++) charToCp[cpToChar[i]] = i;
                wide = sb.toString();
            }
            return wide;
        }

        int wideIndex(int cp) {
            return cpToChar[cp];
        }

        int cpIndex(int wideChar) {
            return charToCp[wideChar];
        }
    }

    /** A regex run through java.util.regex on the collapsed or the wide text. */
    record RegexStage(Pattern pattern, boolean collapsed) implements Stage {
        private static final String[][] CATEGORIES = {
            // llama.cpp's k_ucat_enum: \p{..} -> stand-in char + the ASCII members of the category
            {"\\p{N}", "\u00D1", "0-9"},
            {"\\p{L}", "\u00D2", "A-Za-z"},
            {"\\p{P}", "\u00D3", "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
            {"\\p{M}", "\u00D4", ""},
            {"\\p{S}", "\u00D5", "\\$\\+<->\\^`\\|"},
            {"\\p{Lu}", "\u00D2", "A-Za-z"},
            {"\\p{Ll}", "\u00D2", "A-Za-z"},
            {"\\p{Lt}", "\u00D2", "A-Za-z"},
            {"\\p{Lm}", "\u00D2", "A-Za-z"},
            {"\\p{Lo}", "\u00D2", "A-Za-z"},
        };

        static RegexStage of(String re) {
            boolean usesCategories = false;
            for (String[] cat : CATEGORIES) usesCategories |= re.contains(cat[0]);
            String javaRe = usesCategories ? collapse(re) : endAnchors(re);
            return new RegexStage(Pattern.compile(javaRe), usesCategories);
        }

        /** Rewrites {@code \p{X}} to the stand-in class, bracketed unless already inside {@code [...]}. */
        static String collapse(String re) {
            StringBuilder out = new StringBuilder(re.length() + 32);
            boolean inside = false;
            for (int i = 0; i < re.length(); i++) {
                char c = re.charAt(i);
                if (c == '[' && (i == 0 || re.charAt(i - 1) != '\\')) {
                    out.append('[');
                    inside = true;
                    continue;
                }
                if (inside && c == ']' && re.charAt(i - 1) != '\\') {
                    out.append(']');
                    inside = false;
                    continue;
                }
                if (c == '\\' && i + 3 < re.length() && re.charAt(i + 1) == 'p' && re.charAt(i + 2) == '{') {
                    int close = re.indexOf('}', i + 3);
                    String[] cat = close >= 0 && close <= i + 10 ? category(re.substring(i, close + 1)) : null;
                    if (cat != null) {
                        if (!inside) out.append('[');
                        out.append(cat[1]).append(cat[2]);
                        if (!inside) out.append(']');
                        i = close;
                        continue;
                    }
                }
                out.append(c);
            }
            return endAnchors(out.toString());
        }

        private static String[] category(String token) {
            for (String[] cat : CATEGORIES) {
                if (cat[0].equals(token)) return cat;
            }
            return null;
        }

        /** ECMAScript {@code $} is the end of input only; Java's also matches before a final line break. */
        private static String endAnchors(String re) {
            StringBuilder out = new StringBuilder(re.length());
            boolean inside = false;
            for (int i = 0; i < re.length(); i++) {
                char c = re.charAt(i);
                if (c == '\\' && i + 1 < re.length()) {
                    out.append(c).append(re.charAt(++i));
                    continue;
                }
                if (c == '[') inside = true;
                if (c == ']') inside = false;
                if (c == '$' && !inside) out.append("\\z");
                else out.append(c);
            }
            return out.toString();
        }

        @Override
        public void split(Text text, IntList pieces, IntList out) {
            String subject = collapsed ? text.collapsed() : text.wide();
            Matcher m = pattern.matcher(subject);
            int start = 0;
            for (int p = 0; p < pieces.size(); p++) {
                int end = start + pieces.get(p);
                m.region(charIndex(text, start), charIndex(text, end));
                int prev = start;
                while (m.find()) {
                    int ms = cpIndex(text, m.start());
                    int me = cpIndex(text, m.end());
                    if (ms > prev) out.add(ms - prev);
                    if (me > ms) out.add(me - ms);
                    prev = me;
                }
                if (prev < end) out.add(end - prev);
                start = end;
            }
        }

        private int charIndex(Text text, int cp) {
            return collapsed ? cp : text.wideIndex(cp);
        }

        private int cpIndex(Text text, int ch) {
            return collapsed ? ch : text.cpIndex(ch);
        }
    }
}
