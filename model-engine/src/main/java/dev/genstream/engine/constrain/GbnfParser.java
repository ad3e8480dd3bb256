package dev.genstream.engine.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's GBNF: {@code name ::= alternatives}, literals {@code "..."}, classes {@code [a-z]} / {@code [^...]},
 * {@code .}, groups, {@code * + ?} and {@code {m}, {m,}, {m,n}}, {@code #} comments. A rule ends at a newline
 * unless inside parentheses or after {@code |}. Errors name the line and column.
 */
final class GbnfParser {
    private static final int MAX_CP = 0x10FFFF;

    private final String src;
    private int pos;
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final Map<String, Integer> firstUse = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<List<int[]>> rules = new ArrayList<>();
    private final List<Boolean> defined = new ArrayList<>();
    private final List<long[]> terminals = new ArrayList<>();
    private final Map<String, Integer> terminalIds = new HashMap<>();

    GbnfParser(String src) {
        this.src = src;
    }

    Grammar parse() {
        skipSpace(true);
        while (pos < src.length()) {
            parseRule();
            skipSpace(true);
        }
        for (int r = 0; r < names.size(); r++) {
            if (!defined.get(r)) throw error(firstUse.get(names.get(r)), "undefined rule '" + names.get(r) + "'");
        }
        Integer root = ruleIds.get("root");
        if (root == null) throw new GrammarException("grammar has no 'root' rule");
        return build(root);
    }

    private void parseRule() {
        int at = pos;
        String name = parseName();
        skipSpace(false);
        if (!src.startsWith("::=", pos)) throw error(pos, "expected '::=' after rule name '" + name + "'");
        pos += 3;
        skipSpace(true);
        int id = ruleId(name, at);
        if (defined.get(id)) throw error(at, "rule '" + name + "' is defined twice");
        defined.set(id, true);
        rules.set(id, parseAlternates(false));
        skipSpace(false);
        if (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') throw error(pos, "expected end of line after rule '" + name + "', got '" + src.charAt(pos) + "'");
    }

    private List<int[]> parseAlternates(boolean nested) {
        List<int[]> alts = new ArrayList<>();
        alts.add(parseSequence(nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            skipSpace(true);
            alts.add(parseSequence(nested));
        }
        return alts;
    }

    private int[] parseSequence(boolean nested) {
        List<Integer> seq = new ArrayList<>();
        int lastStart = -1;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            int at = pos;
            if (c == '"') {
                pos++;
                lastStart = seq.size();
                while (true) {
                    if (pos >= src.length()) throw error(at, "unterminated string literal");
                    if (src.charAt(pos) == '"') break;
                    for (byte b : Utf8Ranges.encode(parseChar())) seq.add(terminal(b & 0xFF, b & 0xFF));
                }
                pos++;
            } else if (c == '[') {
                pos++;
                lastStart = seq.size();
                seq.add(charClass(at));
            } else if (c == '.') {
                pos++;
                lastStart = seq.size();
                seq.add(codePoints(at, List.of(new int[] {0, MAX_CP})));
            } else if (isWordChar(c)) {
                lastStart = seq.size();
                seq.add(ruleId(parseName(), at));
            } else if (c == '(') {
                pos++;
                skipSpace(true);
                int id = newRule("group@" + at);
                rules.set(id, parseAlternates(true));
                if (pos >= src.length() || src.charAt(pos) != ')') throw error(at, "unclosed '(': expected ')'");
                pos++;
                lastStart = seq.size();
                seq.add(id);
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (lastStart < 0) throw error(at, "'" + c + "' has nothing to repeat");
                int min, max;
                pos++;
                if (c == '*') { min = 0; max = -1; }
                else if (c == '+') { min = 1; max = -1; }
                else if (c == '?') { min = 0; max = 1; }
                else {
                    skipSpace(nested);
                    min = parseInt(at);
                    skipSpace(nested);
                    max = min;
                    if (pos < src.length() && src.charAt(pos) == ',') {
                        pos++;
                        skipSpace(nested);
                        max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? parseInt(at) : -1;
                        skipSpace(nested);
                    }
                    if (pos >= src.length() || src.charAt(pos) != '}') throw error(at, "expected '}' to close the repetition");
                    pos++;
                    if (max >= 0 && max < min) throw error(at, "repetition {" + min + "," + max + "} has max < min");
                }
                repeat(seq, lastStart, min, max, at);
            } else {
                break;
            }
            skipSpace(nested);
        }
        return seq.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Rewrites seq[lastStart..] as {@code item{min,max}} with helper rules, as llama.cpp does. */
    private void repeat(List<Integer> seq, int lastStart, int min, int max, int at) {
        List<Integer> itemList = new ArrayList<>(seq.subList(lastStart, seq.size()));
        seq.subList(lastStart, seq.size()).clear();
        int[] item = itemList.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < min; i++) for (int e : item) seq.add(e);
        if (max < 0) {
            int rec = newRule("star@" + at);
            int[] loop = Arrays.copyOf(item, item.length + 1);
            loop[item.length] = rec;
            rules.set(rec, List.of(loop, new int[0]));
            seq.add(rec);
        } else if (max > min) {
            int inner = -1;
            for (int k = 0; k < max - min; k++) {
                int r = newRule("opt@" + at);
                int[] alt = inner < 0 ? item : Arrays.copyOf(item, item.length + 1);
                if (inner >= 0) alt[item.length] = inner;
                rules.set(r, List.of(alt, new int[0]));
                inner = r;
            }
            seq.add(inner);
        }
    }

    private int charClass(int at) {
        boolean negate = pos < src.length() && src.charAt(pos) == '^';
        if (negate) pos++;
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (pos >= src.length()) throw error(at, "unterminated character class");
            if (src.charAt(pos) == ']') break;
            int lo = parseChar(), hi = lo;
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                hi = parseChar();
                if (hi < lo) throw error(at, "character range is reversed");
            }
            ranges.add(new int[] {lo, hi});
        }
        pos++;
        if (negate) ranges = complement(ranges);
        if (ranges.isEmpty()) throw error(at, "character class matches nothing");
        return codePoints(at, ranges);
    }

    private static List<int[]> complement(List<int[]> ranges) {
        ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (int[] r : ranges) {
            if (r[0] > next) out.add(new int[] {next, r[0] - 1});
            next = Math.max(next, r[1] + 1);
        }
        if (next <= MAX_CP) out.add(new int[] {next, MAX_CP});
        return out;
    }

    /** An element matching one code point of the ranges: a single terminal when all are ASCII, else a helper rule. */
    private int codePoints(int at, List<int[]> ranges) {
        long[] ascii = new long[4];
        List<int[]> multi = new ArrayList<>();
        for (int[] r : ranges) {
            for (int c = r[0]; c <= Math.min(r[1], 0x7F); c++) ascii[c >>> 6] |= 1L << c;
            if (r[1] >= 0x80) multi.addAll(Utf8Ranges.sequences(Math.max(r[0], 0x80), r[1]));
        }
        boolean hasAscii = ascii[0] != 0 || ascii[1] != 0;
        if (multi.isEmpty()) return terminal(ascii);
        List<int[]> alts = new ArrayList<>();
        if (hasAscii) alts.add(new int[] {terminal(ascii)});
        for (int[] s : multi) {
            int[] alt = new int[s.length / 2];
            for (int i = 0; i < alt.length; i++) alt[i] = terminal(s[2 * i], s[2 * i + 1]);
            alts.add(alt);
        }
        int id = newRule("char@" + at);
        rules.set(id, alts);
        return id;
    }

    private int parseChar() {
        char c = src.charAt(pos);
        if (c != '\\') {
            int cp = src.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }
        int at = pos;
        if (pos + 1 >= src.length()) throw error(at, "dangling '\\' escape");
        char e = src.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '\\', '"', '[', ']', '-', '^', '/' -> e;
            case 'x' -> hex(at, 2);
            case 'u' -> hex(at, 4);
            case 'U' -> hex(at, 8);
            default -> throw error(at, "unknown escape '\\" + e + "'");
        };
    }

    private int hex(int at, int digits) {
        if (pos + digits > src.length()) throw error(at, "expected " + digits + " hex digits");
        try {
            int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
            pos += digits;
            if (v > MAX_CP || (v >= 0xD800 && v <= 0xDFFF)) throw error(at, "escape is not a Unicode scalar value");
            return v;
        } catch (NumberFormatException e) {
            throw error(at, "expected " + digits + " hex digits");
        }
    }

    private int parseInt(int at) {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
        if (start == pos) throw error(at, "expected a number in the repetition");
        try {
            return Integer.parseInt(src.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error(at, "repetition count too large");
        }
    }

    private String parseName() {
        int start = pos;
        while (pos < src.length() && isWordChar(src.charAt(pos))) pos++;
        if (start == pos) throw error(pos, "expected a rule name, got '" + (pos < src.length() ? src.charAt(pos) : "end of input") + "'");
        return src.substring(start, pos);
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    private void skipSpace(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                pos++;
            } else {
                return;
            }
        }
    }

    private int ruleId(String name, int at) {
        Integer id = ruleIds.get(name);
        if (id != null) return id;
        firstUse.put(name, at);
        id = newRule(name);
        ruleIds.put(name, id);
        return id;
    }

    private int newRule(String name) {
        names.add(name);
        rules.add(List.of());
        defined.add(!ruleIds.containsKey(name) && name.contains("@"));
        return names.size() - 1;
    }

    private int terminal(int lo, int hi) {
        long[] set = new long[4];
        for (int b = lo; b <= hi; b++) set[b >>> 6] |= 1L << b;
        return terminal(set);
    }

    private int terminal(long[] set) {
        String key = Arrays.toString(set);
        Integer id = terminalIds.get(key);
        if (id == null) {
            id = terminals.size();
            terminals.add(set);
            terminalIds.put(key, id);
        }
        return -id - 1;
    }

    private Grammar build(int root) {
        int size = 0;
        for (List<int[]> alts : rules) for (int[] a : alts) size += a.length + 1;
        int[] elems = new int[size];
        int[][] starts = new int[rules.size()][];
        int p = 0;
        for (int r = 0; r < rules.size(); r++) {
            List<int[]> alts = rules.get(r);
            starts[r] = new int[alts.size()];
            for (int i = 0; i < alts.size(); i++) {
                starts[r][i] = p;
                System.arraycopy(alts.get(i), 0, elems, p, alts.get(i).length);
                p += alts.get(i).length;
                elems[p++] = Grammar.END;
            }
        }
        return new Grammar(elems, starts, terminals.toArray(new long[0][]), names.toArray(new String[0]), root, src);
    }

    private GrammarException error(int at, String message) {
        int line = 1, col = 1;
        for (int i = 0; i < at && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GrammarException("grammar syntax error at line " + line + ", column " + col + ": " + message);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
