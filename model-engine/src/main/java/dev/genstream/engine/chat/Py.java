package dev.genstream.engine.chat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python semantics of template values: None is {@code null}, int {@link Long}, float {@link Double}, bool
 * {@link Boolean}, str {@link PyStr}, list/tuple {@link List}, dict {@link Map}.
 */
final class Py {
    private Py() {}

    static TemplateException typeError(String msg) {
        return new TemplateException(msg);
    }

    static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Long) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof PyStr) return "str";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof List) return "list";
        if (v instanceof Map) return "dict";
        if (v instanceof Gen) return "generator";
        if (v instanceof Namespace) return "Namespace";
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof Loop) return "LoopContext";
        if (v instanceof PyCallable) return "function";
        return v.getClass().getSimpleName();
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof Double d) return d != 0;
        if (v instanceof PyStr s) return s.length() > 0;
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static long toLong(Object v) {
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof Long l) return l;
        throw typeError("'" + typeName(v) + "' object cannot be interpreted as an integer");
    }

    static double toDouble(Object v) {
        if (v instanceof Double d) return d;
        return toLong(v);
    }

    // ---- str / repr ----

    /** Python's {@code str(v)}, keeping the user marks of strings. */
    static PyStr str(Object v) {
        if (v instanceof PyStr s) return s;
        if (v instanceof Undefined) return PyStr.EMPTY;
        String text = plainStr(v);
        return hasUser(v) ? PyStr.user(text) : PyStr.of(text);
    }

    /** Whether a container holds user content anywhere; its printed form is then user content as a whole. */
    static boolean hasUser(Object v) {
        if (v instanceof PyStr s) return s.hasUser();
        if (v instanceof Namespace ns) return hasUser(ns.attrs);
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) if (hasUser(e.getKey()) || hasUser(e.getValue())) return true;
            return false;
        }
        if (v instanceof List<?> l) {
            for (Object o : l) if (hasUser(o)) return true;
            return false;
        }
        return false;
    }

    static String plainStr(Object v) {
        if (v == null) return "None";
        if (v instanceof PyStr s) return s.text;
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof Double d) return floatRepr(d);
        if (v instanceof Undefined) return "";
        if (v instanceof Long || v instanceof List || v instanceof Map) return repr(v);
        if (v instanceof Gen) return "<generator object>";
        return v.toString();
    }

    static String repr(Object v) {
        if (v instanceof PyStr s) return strRepr(s.text);
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof Tuple t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < t.size(); i++) sb.append(i > 0 ? ", " : "").append(repr(t.get(i)));
            return sb.append(t.size() == 1 ? ",)" : ")").toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append(repr(l.get(i)));
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        if (v instanceof Long l) return l.toString();
        return plainStr(v);
    }

    static String strRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') sb.append('\\').appendCodePoint(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
            else if (!printable(c)) sb.append(c <= 0xff ? String.format("\\x%02x", c)
                    : c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
            else sb.appendCodePoint(c);
        }
        return sb.append(quote).toString();
    }

    private static boolean printable(int c) {
        if (c == ' ') return true;
        int t = Character.getType(c);
        return !(t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE || t == Character.UNASSIGNED || t == Character.LINE_SEPARATOR
                || t == Character.PARAGRAPH_SEPARATOR || t == Character.SPACE_SEPARATOR);
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent outside 1e-4 .. 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int dp = digits.length() - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (dp > 16 || dp < -3) {
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            int exp = dp - 1;
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        if (dp <= 0) return sign + "0." + "0".repeat(-dp) + digits;
        if (dp >= digits.length()) return sign + digits + "0".repeat(dp - digits.length()) + ".0";
        return sign + digits.substring(0, dp) + "." + digits.substring(dp);
    }

    // ---- iteration and length ----

    static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) return new ArrayList<>(l);
        if (v instanceof Gen g) return new ArrayList<>(g.items());
        if (v instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (v instanceof PyStr s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < s.length(); ) {
                int n = Character.charCount(s.text.codePointAt(i));
                out.add(s.substring(i, i + n));
                i += n;
            }
            return out;
        }
        if (v instanceof Undefined) return new ArrayList<>();
        throw typeError("'" + typeName(v) + "' object is not iterable");
    }

    static long len(Object v) {
        if (v instanceof PyStr s) return s.text.codePointCount(0, s.length());
        if (v instanceof List<?> l) return l.size();
        if (v instanceof Map<?, ?> m) return m.size();
        if (v instanceof Undefined) return 0;
        throw typeError("object of type '" + typeName(v) + "' has no len()");
    }

    // ---- conversion of host values ----

    /** Converts JSON-like Java values into template values; strings become user content when {@code user}. */
    static Object fromJava(Object v, boolean user) {
        if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double || v instanceof PyStr) return v;
        if (v instanceof CharSequence s) return user ? PyStr.user(s.toString()) : PyStr.of(s.toString());
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return f.doubleValue();
        if (v instanceof java.math.BigInteger b) return b.longValue();
        if (v instanceof BigDecimal b) return b.doubleValue();
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(fromJava(e.getKey(), user), fromJava(e.getValue(), user));
            return out;
        }
        if (v instanceof Iterable<?> it) {
            List<Object> out = new ArrayList<>();
            for (Iterator<?> i = it.iterator(); i.hasNext(); ) out.add(fromJava(i.next(), user));
            return out;
        }
        throw new IllegalArgumentException("not a JSON-like value: " + v.getClass().getName());
    }

    // ---- whitespace as Python's str.isspace sees it ----

    static boolean isSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0
                || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f
                || c == 0x205f || c == 0x3000;
    }

    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }
}
