package dev.genstream.engine.chat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
        return PyStr.of(plainStr(v));
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

    // ---- comparison ----

    static boolean eq(Object a, Object b) {
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) return toLong(a) == toLong(b);
            return toDouble(a) == toDouble(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!eq(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) return false;
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    static int compare(Object a, Object b, String op) {
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) return Long.compare(toLong(a), toLong(b));
            return Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof PyStr x && b instanceof PyStr y) return x.compareTo(y);
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!eq(x.get(i), y.get(i))) return compare(x.get(i), y.get(i), op);
            }
            return Integer.compare(x.size(), y.size());
        }
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        throw typeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    static boolean contains(Object container, Object item) {
        if (container instanceof PyStr s) {
            if (!(item instanceof PyStr p)) {
                throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
            }
            return s.text.contains(p.text);
        }
        if (container instanceof Map<?, ?> m) return m.containsKey(item instanceof Undefined ? null : item)
                || m.keySet().stream().anyMatch(k -> eq(k, item));
        if (container instanceof Undefined) return false;
        if (container instanceof List || container instanceof Gen) {
            for (Object o : iterate(container)) if (eq(o, item)) return true;
            return false;
        }
        throw typeError("argument of type '" + typeName(container) + "' is not iterable");
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

    // ---- arithmetic ----

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        switch (op) {
            case "+" -> {
                if (a instanceof PyStr x && b instanceof PyStr y) return x.concat(y);
                if (a instanceof List<?> x && b instanceof List<?> y) {
                    List<Object> out = new ArrayList<>(x);
                    out.addAll(y);
                    return out;
                }
                if (a instanceof PyStr) {
                    throw typeError("can only concatenate str (not \"" + typeName(b) + "\") to str");
                }
                if (a instanceof List) {
                    throw typeError("can only concatenate list (not \"" + typeName(b) + "\") to list");
                }
                return numeric(op, a, b);
            }
            case "*" -> {
                if (a instanceof PyStr s && isInt(b)) return repeat(s, toLong(b));
                if (b instanceof PyStr s && isInt(a)) return repeat(s, toLong(a));
                if (a instanceof List<?> l && isInt(b)) return repeatList(l, toLong(b));
                if (b instanceof List<?> l && isInt(a)) return repeatList(l, toLong(a));
                return numeric(op, a, b);
            }
            case "%" -> {
                if (a instanceof PyStr s) return Format.percent(s, b);
                return numeric(op, a, b);
            }
            default -> {
                return numeric(op, a, b);
            }
        }
    }

    private static PyStr repeat(PyStr s, long n) {
        PyStr.Builder b = new PyStr.Builder();
        for (long i = 0; i < n; i++) b.append(s);
        return b.build();
    }

    private static List<Object> repeatList(List<?> l, long n) {
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) out.addAll(l);
        return out;
    }

    private static Object numeric(String op, Object a, Object b) {
        if (!isNumber(a) || !isNumber(b)) {
            throw typeError("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
                    + typeName(b) + "'");
        }
        if (isInt(a) && isInt(b) && !op.equals("/")) {
            long x = toLong(a), y = toLong(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> {
                    if (y == 0) throw typeError("integer division or modulo by zero");
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    if (y == 0) throw typeError("integer division or modulo by zero");
                    yield Math.floorMod(x, y);
                }
                case "**" -> y >= 0 ? (Object) ipow(x, y) : (Object) Math.pow(x, y);
                default -> throw typeError("unknown operator " + op);
            };
        }
        double x = toDouble(a), y = toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                if (y == 0) throw typeError("division by zero");
                yield x / y;
            }
            case "//" -> {
                if (y == 0) throw typeError("float floor division by zero");
                yield Math.floor(x / y);
            }
            case "%" -> {
                if (y == 0) throw typeError("float modulo");
                double r = x % y;
                yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
            }
            case "**" -> Math.pow(x, y);
            default -> throw typeError("unknown operator " + op);
        };
    }

    private static long ipow(long x, long y) {
        long r = 1;
        for (long i = 0; i < y; i++) r *= x;
        return r;
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
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(fromJava(e.getKey(), false), fromJava(e.getValue(), user));
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
