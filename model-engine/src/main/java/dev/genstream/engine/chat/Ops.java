package dev.genstream.engine.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Python's operators on template values: equality, ordering, {@code in}, and arithmetic with its type errors. */
final class Ops {
    private Ops() {}

    // ---- comparison ----

    static boolean eq(Object a, Object b) {
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (Py.isNumber(a) && Py.isNumber(b)) {
            if (Py.isInt(a) && Py.isInt(b)) return Py.toLong(a) == Py.toLong(b);
            return Py.toDouble(a) == Py.toDouble(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size() || (a instanceof Tuple) != (b instanceof Tuple)) return false;
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
        if (Py.isNumber(a) && Py.isNumber(b)) {
            if (Py.isInt(a) && Py.isInt(b)) return Long.compare(Py.toLong(a), Py.toLong(b));
            return Double.compare(Py.toDouble(a), Py.toDouble(b));
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
        throw Py.typeError("'" + op + "' not supported between instances of '" + Py.typeName(a) + "' and '"
                + Py.typeName(b) + "'");
    }

    static boolean contains(Object container, Object item) {
        if (container instanceof PyStr s) {
            if (!(item instanceof PyStr p)) {
                throw Py.typeError("'in <string>' requires string as left operand, not " + Py.typeName(item));
            }
            return s.text.contains(p.text);
        }
        if (container instanceof Map<?, ?> m) return m.containsKey(item instanceof Undefined ? null : item)
                || m.keySet().stream().anyMatch(k -> eq(k, item));
        if (container instanceof Undefined) return false;
        if (container instanceof List || container instanceof Gen) {
            for (Object o : Py.iterate(container)) if (eq(o, item)) return true;
            return false;
        }
        throw Py.typeError("argument of type '" + Py.typeName(container) + "' is not iterable");
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
                    throw Py.typeError("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
                }
                if (a instanceof List) {
                    throw Py.typeError("can only concatenate list (not \"" + Py.typeName(b) + "\") to list");
                }
                return numeric(op, a, b);
            }
            case "*" -> {
                if (a instanceof PyStr s && Py.isInt(b)) return repeat(s, Py.toLong(b));
                if (b instanceof PyStr s && Py.isInt(a)) return repeat(s, Py.toLong(a));
                if (a instanceof List<?> l && Py.isInt(b)) return repeatList(l, Py.toLong(b));
                if (b instanceof List<?> l && Py.isInt(a)) return repeatList(l, Py.toLong(a));
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

    /** Longest string or list a repetition may build: a template cannot make the renderer exhaust the heap. */
    private static final long MAX_REPEAT = 1 << 24;

    private static PyStr repeat(PyStr s, long n) {
        if (n * (long) s.length() > MAX_REPEAT) throw Py.typeError("repetition too large");
        PyStr.Builder b = new PyStr.Builder();
        for (long i = 0; i < n; i++) b.append(s);
        return b.build();
    }

    private static List<Object> repeatList(List<?> l, long n) {
        if (n * (long) l.size() > MAX_REPEAT) throw Py.typeError("repetition too large");
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) out.addAll(l);
        return out;
    }

    private static Object numeric(String op, Object a, Object b) {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw Py.typeError("unsupported operand type(s) for " + op + ": '" + Py.typeName(a) + "' and '"
                    + Py.typeName(b) + "'");
        }
        if (Py.isInt(a) && Py.isInt(b) && !op.equals("/")) {
            long x = Py.toLong(a), y = Py.toLong(b);
            return switch (op) {
                case "+" -> exact(() -> Math.addExact(x, y));
                case "-" -> exact(() -> Math.subtractExact(x, y));
                case "*" -> exact(() -> Math.multiplyExact(x, y));
                case "//" -> {
                    if (y == 0) throw Py.typeError("integer division or modulo by zero");
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    if (y == 0) throw Py.typeError("integer division or modulo by zero");
                    yield Math.floorMod(x, y);
                }
                case "**" -> y >= 0 ? (Object) exact(() -> ipow(x, y)) : (Object) Math.pow(x, y);
                default -> throw Py.typeError("unknown operator " + op);
            };
        }
        double x = Py.toDouble(a), y = Py.toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                if (y == 0) throw Py.typeError("division by zero");
                yield x / y;
            }
            case "//" -> {
                if (y == 0) throw Py.typeError("float floor division by zero");
                yield Math.floor(x / y);
            }
            case "%" -> {
                if (y == 0) throw Py.typeError("float modulo");
                double r = x % y;
                yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
            }
            case "**" -> Math.pow(x, y);
            default -> throw Py.typeError("unknown operator " + op);
        };
    }

    private static long ipow(long x, long y) {
        long r = 1;
        for (long i = 0; i < y; i++) r = Math.multiplyExact(r, x);
        return r;
    }

    /** Python ints are unbounded; ours are 64-bit, and overflowing one is an error, not a wrong number. */
    private static long exact(java.util.function.LongSupplier op) {
        try {
            return op.getAsLong();
        } catch (ArithmeticException e) {
            throw Py.typeError("integer result too large (beyond 64 bits)");
        }
    }
}
