package dev.genstream.engine.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attribute and item access as Jinja's sandboxed environment does it, plus Python slicing. */
final class Access {
    private static final Set<String> DICT_METHODS = Set.of("keys", "values", "items", "get", "copy");
    private static final Set<String> LIST_METHODS = Set.of("index", "count", "copy");
    private static final Set<String> MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort",
            "reverse", "update", "setdefault", "popitem");

    private Access() {}

    /** {@code obj.name}: a Python attribute first (methods), then the item {@code obj['name']}. */
    static Object attr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.fail();
        Object a = pythonAttr(obj, name);
        if (a != null) return a;
        return lookupItem(obj, PyStr.of(name), name);
    }

    /** {@code obj[key]}: the item first, then (for a string key) a Python attribute. */
    static Object item(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.fail();
        Object found = lookupItem(obj, key, key);
        if (!(found instanceof Undefined) || !(key instanceof PyStr s)) return found;
        Object a = pythonAttr(obj, s.text);
        return a != null ? a : found;
    }

    private static Object lookupItem(Object obj, Object key, Object shown) {
        if (obj instanceof Map<?, ?> m) {
            if (m.containsKey(key)) return m.get(key);
            if (key instanceof Boolean || key instanceof Long || key instanceof Double) {
                for (Map.Entry<?, ?> e : m.entrySet()) if (Ops.eq(e.getKey(), key)) return e.getValue();
            }
            return Undefined.attribute(obj, shown);
        }
        if (obj instanceof Namespace ns) {
            return ns.attrs.containsKey(key) ? ns.attrs.get(key) : Undefined.attribute(obj, shown);
        }
        if (obj instanceof Loop loop && key instanceof PyStr s) return loop.attr(s.text);
        if (Py.isInt(key) && (obj instanceof List || obj instanceof PyStr)) {
            long i = Py.toLong(key);
            long n = obj instanceof List<?> l ? l.size() : ((PyStr) obj).length();
            if (i < 0) i += n;
            if (i < 0 || i >= n) return Undefined.attribute(obj, shown);
            return obj instanceof List<?> l ? l.get((int) i) : ((PyStr) obj).substring((int) i, (int) i + 1);
        }
        return Undefined.attribute(obj, shown);
    }

    /** A bound method or other Python attribute, or null. */
    private static Object pythonAttr(Object obj, String name) {
        if (name.startsWith("_")) return null;
        if (obj instanceof PyStr s && StrMethods.has(name)) return (PyCallable) (a, kw) -> StrMethods.call(s, name, a, kw);
        if (obj instanceof Map<?, ?> m) {
            if (DICT_METHODS.contains(name)) return (PyCallable) (a, kw) -> dictMethod(m, name, a);
            if (MUTATORS.contains(name)) return unsafe(obj, name);
        }
        if (obj instanceof List<?> l) {
            if (LIST_METHODS.contains(name)) return (PyCallable) (a, kw) -> listMethod(l, name, a);
            if (MUTATORS.contains(name)) return unsafe(obj, name);
        }
        return null;
    }

    private static Undefined unsafe(Object obj, String name) {
        return new Undefined("access to attribute '" + name + "' of '" + Py.typeName(obj) + "' object is unsafe.");
    }

    private static Object dictMethod(Map<?, ?> m, String name, List<Object> a) {
        return switch (name) {
            case "keys" -> new ArrayList<Object>(m.keySet());
            case "values" -> new ArrayList<Object>(m.values());
            case "items" -> items(m);
            case "get" -> {
                Object key = a.get(0);
                yield m.containsKey(key) ? m.get(key) : a.size() > 1 ? a.get(1) : null;
            }
            default -> new LinkedHashMap<Object, Object>(m);
        };
    }

    static List<Object> items(Map<?, ?> m) {
        List<Object> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) out.add(new Tuple(e.getKey(), e.getValue()));
        return out;
    }

    private static Object listMethod(List<?> l, String name, List<Object> a) {
        return switch (name) {
            case "index" -> {
                for (int i = 0; i < l.size(); i++) if (Ops.eq(l.get(i), a.get(0))) yield (long) i;
                throw Py.typeError(Py.repr(a.get(0)) + " is not in list");
            }
            case "count" -> l.stream().filter(x -> Ops.eq(x, a.get(0))).count();
            default -> new ArrayList<Object>(l);
        };
    }

    /** Python slicing of a list or string. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) throw u.fail();
        long st = step == null ? 1 : Py.toLong(step);
        if (st == 0) throw Py.typeError("slice step cannot be zero");
        int n;
        if (obj instanceof List<?> l) n = l.size();
        else if (obj instanceof PyStr s) n = s.length();
        else throw Py.typeError("'" + Py.typeName(obj) + "' object is not subscriptable");
        long lo, hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(Py.toLong(start), n, 0, n);
            hi = stop == null ? n : clamp(Py.toLong(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(Py.toLong(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(Py.toLong(stop), n, -1, n - 1);
        }
        if (obj instanceof PyStr s && st == 1) return lo < hi ? s.substring((int) lo, (int) hi) : PyStr.EMPTY;
        List<Object> out = new ArrayList<>();
        PyStr.Builder b = new PyStr.Builder();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            if (obj instanceof List<?> l) out.add(l.get((int) i));
            else b.append(((PyStr) obj).substring((int) i, (int) i + 1));
        }
        return obj instanceof List ? out : b.build();
    }

    private static long clamp(long i, int n, long min, long max) {
        if (i < 0) i += n;
        return Math.max(min, Math.min(max, i));
    }
}
