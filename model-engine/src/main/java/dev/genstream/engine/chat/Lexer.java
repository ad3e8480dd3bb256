package dev.genstream.engine.chat;

import dev.genstream.engine.chat.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a template into tokens the way Jinja's lexer does with {@code trim_blocks} and {@code lstrip_blocks} on:
 * line endings become {@code \n}, one trailing newline is dropped, {@code -} strips all whitespace on its side,
 * {@code +} disables the block rules, comments vanish.
 */
final class Lexer {
    private static final String[] OPERATORS = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<",
            ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"};

    private static final Pattern RAW_BEGIN = Pattern.compile("\\{%[-+]?\\s*raw\\s*(?:(-)%}|\\+?%})");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private boolean lineStarting = true;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String template) {
        String s = template.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        Lexer lx = new Lexer(s);
        lx.run();
        return lx.out;
    }

    static String describe(String src, int pos) {
        int line = 1;
        for (int i = 0; i < pos && i < src.length(); i++) if (src.charAt(i) == '\n') line++;
        return "line " + line;
    }

    private TemplateException error(String msg, int at) {
        return new TemplateException("template syntax error at " + describe(src, at) + ": " + msg);
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTag(pos);
            String data = src.substring(pos, tag < 0 ? src.length() : tag);
            if (tag < 0) {
                emitText(data, pos);
                break;
            }
            char kind = src.charAt(tag + 1);
            char mod = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            if (mod == '-') {
                data = Py.rstrip(data);
            } else if (mod != '+' && kind != '{') {
                int lpos = data.lastIndexOf('\n') + 1;
                if ((lpos > 0 || lineStarting) && onlyBlanks(data, lpos)) data = data.substring(0, lpos);
            }
            emitText(data, pos);
            int inner = tag + 2 + (mod == '-' || mod == '+' ? 1 : 0);
            Matcher raw = RAW_BEGIN.matcher(src).region(tag, src.length());
            if (kind == '%' && raw.lookingAt()) {
                pos = raw.end();
                if (raw.group(1) != null) while (pos < src.length() && Py.isSpace(src.charAt(pos))) pos++;
                lineStarting = src.charAt(pos - 1) == '\n';
                lexRaw(tag);
                continue;
            }
            if (kind == '#') {
                int end = src.indexOf("#}", inner);
                if (end < 0) throw error("unclosed comment", tag);
                boolean dash = end > inner && src.charAt(end - 1) == '-';
                boolean plus = end > inner && src.charAt(end - 1) == '+';
                pos = afterEnd(end + 2, dash, plus, true);
            } else {
                out.add(new Token(kind == '{' ? Kind.VAR_BEGIN : Kind.BLOCK_BEGIN, "", tag));
                pos = inner;
                lexTag(kind == '{' ? "}}" : "%}", kind == '%');
            }
        }
        out.add(new Token(Kind.EOF, "", src.length()));
    }

    /** {@code {% raw %}...{% endraw %}}: the text between is literal, with the usual whitespace rules at both tags. */
    private void lexRaw(int start) {
        Matcher end = RAW_END.matcher(src);
        if (!end.find(pos)) throw error("missing '{% endraw %}'", start);
        String data = src.substring(pos, end.start());
        if (end.group(1).equals("-")) {
            data = Py.rstrip(data);
        } else if (!end.group(1).equals("+")) {
            int lpos = data.lastIndexOf('\n') + 1;
            if ((lpos > 0 || lineStarting) && onlyBlanks(data, lpos)) data = data.substring(0, lpos);
        }
        emitText(data, pos);
        pos = afterEnd(end.end(), end.group(2).equals("-"), end.group(2).equals("+"), true);
    }

    private int nextTag(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    private static boolean onlyBlanks(String s, int from) {
        for (int i = from; i < s.length(); i++) if (s.charAt(i) != ' ' && s.charAt(i) != '\t') return false;
        return true;
    }

    private void emitText(String data, int at) {
        if (!data.isEmpty()) out.add(new Token(Kind.TEXT, data, at));
    }

    /** Position after a tag's closing delimiter, applying {@code -} / trim_blocks to what follows. */
    private int afterEnd(int p, boolean dash, boolean plus, boolean block) {
        if (dash) {
            while (p < src.length() && Py.isSpace(src.charAt(p))) p++;
        } else if (block && !plus && p < src.length() && src.charAt(p) == '\n') {
            p++;
        }
        lineStarting = p > 0 && src.charAt(p - 1) == '\n';
        return p;
    }

    private void lexTag(String close, boolean block) {
        Deque<Character> balance = new ArrayDeque<>();
        while (true) {
            while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
            if (pos >= src.length()) throw error("missing '" + close + "'", pos);
            if (balance.isEmpty()) {
                if (src.startsWith("-" + close, pos) || src.startsWith("+" + close, pos) && block) {
                    out.add(new Token(block ? Kind.BLOCK_END : Kind.VAR_END, "", pos));
                    pos = afterEnd(pos + 3, src.charAt(pos) == '-', src.charAt(pos) == '+', block);
                    return;
                }
                if (src.startsWith(close, pos)) {
                    out.add(new Token(block ? Kind.BLOCK_END : Kind.VAR_END, "", pos));
                    pos = afterEnd(pos + 2, false, false, block);
                    return;
                }
            }
            char c = src.charAt(pos);
            int start = pos;
            if (Character.isLetter(c) || c == '_') {
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
                out.add(new Token(Kind.NAME, src.substring(start, pos), start));
            } else if (Character.isDigit(c)) {
                lexNumber(start);
            } else if (c == '\'' || c == '"') {
                out.add(new Token(Kind.STRING, lexString(c), start));
            } else {
                String op = null;
                for (String o : OPERATORS) if (src.startsWith(o, pos)) { op = o; break; }
                if (op == null) throw error("unexpected character '" + c + "'", pos);
                pos += op.length();
                switch (op) {
                    case "(", "[", "{" -> balance.push(op.charAt(0));
                    case ")", "]", "}" -> {
                        if (balance.isEmpty()) throw error("unexpected '" + op + "'", start);
                        balance.pop();
                    }
                    default -> {}
                }
                out.add(new Token(Kind.OP, op, start));
            }
        }
    }

    private void lexNumber(int start) {
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        boolean isFloat = false;
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            } else {
                pos = save;
            }
        }
        out.add(new Token(isFloat ? Kind.FLOAT : Kind.INT, src.substring(start, pos).replace("_", ""), start));
    }

    /** A quoted literal, unescaped as Python's {@code unicode-escape} codec does. */
    private String lexString(char quote) {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw error("unterminated string", start);
            char c = src.charAt(pos++);
            if (c == quote) return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) throw error("unterminated string", start);
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'a' -> sb.append('\u0007');
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int end = pos - 1, v = 0;
                    while (end < src.length() && end < pos + 2 && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
                        v = v * 8 + (src.charAt(end++) - '0');
                    }
                    pos = end;
                    sb.append((char) v);
                }
                case 'x' -> sb.appendCodePoint(hex(2, start));
                case 'u' -> sb.appendCodePoint(hex(4, start));
                case 'U' -> sb.appendCodePoint(hex(8, start));
                case '\n' -> {}
                case '\\', '\'', '"' -> sb.append(e);
                default -> sb.append('\\').append(e);
            }
        }
    }

    private int hex(int digits, int start) {
        if (pos + digits > src.length()) throw error("truncated escape in string", start);
        try {
            int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
            pos += digits;
            return v;
        } catch (NumberFormatException e) {
            throw error("bad escape in string", start);
        }
    }
}
