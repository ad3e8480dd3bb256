package dev.genstream.engine.chat;

import java.util.List;
import java.util.Map;

/** Python's {@code str % args} and {@code str.format(...)} for the conversions templates use. */
final class Format {
    private Format() {}

    static PyStr percent(PyStr fmt, Object args) {
        List<?> values = args instanceof List<?> l ? l : java.util.Collections.singletonList(args);
        Map<?, ?> named = args instanceof Map<?, ?> m ? m : null;
        PyStr.Builder out = new PyStr.Builder();
        String s = fmt.text;
        int next = 0, last = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '%') continue;
            out.append(fmt.substring(last, i));
            int j = i + 1;
            Object value;
            if (j < s.length() && s.charAt(j) == '%') {
                out.append("%");
                last = i = j;
                last++;
                continue;
            }
            if (j < s.length() && s.charAt(j) == '(' && named != null) {
                int close = s.indexOf(')', j);
                value = named.get(PyStr.of(s.substring(j + 1, close)));
                j = close + 1;
            } else {
                if (next >= values.size()) throw Py.typeError("not enough arguments for format string");
                value = values.get(next++);
            }
            int specStart = j;
            while (j < s.length() && "-+ #0123456789.".indexOf(s.charAt(j)) >= 0) j++;
            if (j >= s.length()) throw Py.typeError("incomplete format");
            String spec = s.substring(specStart, j);
            char conv = s.charAt(j);
            out.append(convert(value, spec, conv));
            last = j + 1;
            i = j;
        }
        out.append(fmt.substring(last));
        return out.build();
    }

    private static PyStr convert(Object v, String spec, char conv) {
        switch (conv) {
            case 's' -> {
                return pad(Py.str(v), spec);
            }
            case 'r' -> {
                return pad(Py.hasUser(v) ? PyStr.user(Py.repr(v)) : PyStr.of(Py.repr(v)), spec);
            }
            case 'd', 'i' -> {
                long n = v instanceof Double d ? (long) (double) d : Py.toLong(v);
                return pad(PyStr.of(Long.toString(n)), spec);
            }
            case 'f' -> {
                int dot = spec.indexOf('.');
                int prec = dot >= 0 ? Integer.parseInt(spec.substring(dot + 1)) : 6;
                return pad(PyStr.of(String.format("%." + prec + "f", Py.toDouble(v))), dot >= 0 ? spec.substring(0, dot) : spec);
            }
            default -> throw Py.typeError("unsupported format character '" + conv + "'");
        }
    }

    private static PyStr pad(PyStr s, String spec) {
        boolean left = spec.startsWith("-");
        if (!left && spec.startsWith("0") && spec.length() > 1) {
            int width = Integer.parseInt(spec.substring(1).replaceAll("[^0-9].*", ""));
            boolean neg = s.text.startsWith("-");
            String digits = neg ? s.text.substring(1) : s.text;
            String padded = "0".repeat(Math.max(0, width - s.length())) + digits;
            return PyStr.derived((neg ? "-" : "") + padded, s);
        }
        String w = spec.replaceAll("[^0-9]", "");
        if (w.isEmpty()) return s;
        int width = Integer.parseInt(w);
        if (s.length() >= width) return s;
        PyStr fill = PyStr.of(" ".repeat(width - s.length()));
        return left ? s.concat(fill) : fill.concat(s);
    }

    /** {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, with {@code {{ }}} escapes. */
    static PyStr format(PyStr fmt, List<Object> args, Map<String, Object> kwargs) {
        PyStr.Builder out = new PyStr.Builder();
        String s = fmt.text;
        int auto = 0, last = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                out.append(fmt.substring(last, i + 1));
                last = ++i + 1;
            } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                out.append(fmt.substring(last, i + 1));
                last = ++i + 1;
            } else if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) throw Py.typeError("Single '{' encountered in format string");
                out.append(fmt.substring(last, i));
                String field = s.substring(i + 1, close);
                int colon = field.indexOf(':');
                if (colon >= 0) field = field.substring(0, colon);
                Object v;
                if (field.isEmpty()) v = args.get(auto++);
                else if (field.chars().allMatch(Character::isDigit)) v = args.get(Integer.parseInt(field));
                else if (kwargs.containsKey(field)) v = kwargs.get(field);
                else throw Py.typeError("KeyError: '" + field + "'");
                out.append(Py.str(v));
                last = i = close;
                last++;
            }
        }
        out.append(fmt.substring(last));
        return out.build();
    }
}
