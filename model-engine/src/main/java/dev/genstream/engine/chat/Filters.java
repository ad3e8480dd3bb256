package dev.genstream.engine.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Jinja's built-in filters, with HF's {@code tojson}. */
final class Filters {
    private Filters() {}

    static Object apply(String name, Object v, List<Object> a, Map<String, Object> kw) {
        return switch (name) {
            case "tojson" -> Json.dumps(v, Py.truthy(arg(a, kw, 0, "ensure_ascii", false)), arg(a, kw, 1, "indent", null),
                    arg(a, kw, 2, "separators", null), Py.truthy(arg(a, kw, 3, "sort_keys", false)));
            case "trim" -> StrMethods.strip(Py.str(v), arg(a, kw, 0, "chars", null), true, true);
            case "length", "count" -> Py.len(v);
            case "string" -> Py.str(v);
            case "safe", "escape", "e", "forceescape" -> v;
            case "upper" -> StrMethods.call(Py.str(v), "upper", List.of(), Map.of());
            case "lower" -> StrMethods.call(Py.str(v), "lower", List.of(), Map.of());
            case "capitalize" -> StrMethods.call(Py.str(v), "capitalize", List.of(), Map.of());
            case "title" -> title(Py.str(v));
            case "replace" -> StrMethods.replace(Py.str(v), Py.str(a.get(0)), Py.str(a.get(1)),
                    arg(a, kw, 2, "count", null) == null ? -1 : Py.toLong(arg(a, kw, 2, "count", null)));
            case "default", "d" -> {
                boolean bool = Py.truthy(arg(a, kw, 1, "boolean", false));
                yield v instanceof Undefined || (bool && !Py.truthy(v)) ? arg(a, kw, 0, "default_value", PyStr.EMPTY) : v;
            }
            case "first" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.getFirst();
            }
            case "last" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.getLast();
            }
            case "list" -> Py.iterate(v);
            case "items" -> {
                if (v instanceof Undefined) yield new ArrayList<>();
                if (!(v instanceof Map<?, ?> m)) throw Py.typeError("Can only get item pairs from a mapping.");
                yield Access.items(m);
            }
            case "join" -> join(v, a, kw);
            case "indent" -> indent(Py.str(v), arg(a, kw, 0, "width", 4L), Py.truthy(arg(a, kw, 1, "first", false)),
                    Py.truthy(arg(a, kw, 2, "blank", false)));
            case "reverse" -> {
                if (v instanceof PyStr s) yield Access.slice(s, null, null, -1L);
                List<Object> items = Py.iterate(v);
                java.util.Collections.reverse(items);
                yield items;
            }
            case "sort" -> sort(v, Py.truthy(arg(a, kw, 0, "reverse", false)),
                    Py.truthy(arg(a, kw, 1, "case_sensitive", false)), arg(a, kw, 2, "attribute", null));
            case "dictsort" -> dictsort(v, Py.truthy(arg(a, kw, 0, "case_sensitive", false)),
                    Py.str(arg(a, kw, 1, "by", PyStr.of("key"))).text, Py.truthy(arg(a, kw, 2, "reverse", false)));
            case "unique" -> {
                List<Object> out = new ArrayList<>();
                for (Object o : Py.iterate(v)) if (out.stream().noneMatch(x -> Ops.eq(x, o))) out.add(o);
                yield out;
            }
            case "abs" -> v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Py.toLong(v));
            case "int" -> toInt(v, arg(a, kw, 0, "default", 0L));
            case "float" -> toFloat(v, arg(a, kw, 0, "default", 0.0));
            case "round" -> round(v, Py.toLong(arg(a, kw, 0, "precision", 0L)),
                    Py.str(arg(a, kw, 1, "method", PyStr.of("common"))).text);
            case "sum" -> {
                Object total = arg(a, kw, 1, "start", 0L);
                Object attribute = arg(a, kw, 0, "attribute", null);
                for (Object o : Py.iterate(v)) total = Ops.binary("+", total, attribute == null ? o : attribute(o, attribute));
                yield total;
            }
            case "min", "max" -> {
                List<Object> items = Py.iterate(v);
                if (items.isEmpty()) yield new Undefined("No aggregated item, sequence was empty.");
                Object best = items.getFirst();
                for (Object o : items) {
                    int c = Ops.compare(o, best, "<");
                    if (name.equals("min") ? c < 0 : c > 0) best = o;
                }
                yield best;
            }
            case "map" -> map(v, a, kw);
            case "select", "reject" -> select(v, a, name.equals("select"), false);
            case "selectattr", "rejectattr" -> select(v, a, name.equals("selectattr"), true);
            case "center" -> StrMethods.call(Py.str(v), "center", List.of(arg(a, kw, 0, "width", 80L)), Map.of());
            case "wordcount" -> (long) StrMethods.split(Py.str(v), null, -1).size();
            case "format" -> Format.percent(Py.str(v), a.size() == 1 ? a.getFirst() : new ArrayList<>(a));
            case "attr" -> Access.attr(v, Py.str(a.get(0)).text);
            case "batch" -> batch(v, Py.toLong(a.get(0)), a.size() > 1 ? a.get(1) : null);
            case "truncate" -> truncate(Py.str(v), Py.toLong(arg(a, kw, 0, "length", 255L)),
                    Py.truthy(arg(a, kw, 1, "killwords", false)), Py.str(arg(a, kw, 2, "end", PyStr.of("..."))),
                    Py.toLong(arg(a, kw, 3, "leeway", 5L)));
            default -> throw new TemplateException("no filter named '" + name + "'");
        };
    }

    static Object arg(List<Object> a, Map<String, Object> kw, int i, String name, Object dflt) {
        if (i < a.size()) return a.get(i);
        return kw.getOrDefault(name, dflt);
    }

    /** {@code attribute} may be dotted ({@code "function.name"}) or an integer index. */
    static Object attribute(Object o, Object attribute) {
        if (Py.isInt(attribute)) return Access.item(o, attribute);
        for (String part : Py.str(attribute).text.split("\\.")) {
            o = part.chars().allMatch(Character::isDigit) && !part.isEmpty()
                    ? Access.item(o, Long.parseLong(part)) : Access.item(o, PyStr.of(part));
        }
        return o;
    }

    private static PyStr join(Object v, List<Object> a, Map<String, Object> kw) {
        PyStr sep = Py.str(arg(a, kw, 0, "d", PyStr.EMPTY));
        Object attribute = arg(a, kw, 1, "attribute", null);
        List<Object> parts = new ArrayList<>();
        for (Object o : Py.iterate(v)) parts.add(Py.str(attribute == null ? o : attribute(o, attribute)));
        return StrMethods.join(sep, parts);
    }

    private static PyStr title(PyStr s) {
        PyStr.Builder b = new PyStr.Builder();
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean boundary = Py.isSpace(c) || "-([{<".indexOf(c) >= 0;
            b.append(boundary ? c : start ? Character.toUpperCase(c) : Character.toLowerCase(c), s.isUser(i));
            start = boundary;
        }
        return b.build();
    }

    private static PyStr indent(PyStr s, Object width, boolean first, boolean blank) {
        PyStr ind = width instanceof PyStr w ? w : PyStr.of(" ".repeat((int) Py.toLong(width)));
        PyStr nl = PyStr.of("\n");
        List<Object> lines = StrMethods.splitlines(s.concat(nl), false);
        PyStr.Builder b = new PyStr.Builder();
        for (int i = 0; i < lines.size(); i++) {
            PyStr line = (PyStr) lines.get(i);
            if (i > 0) {
                b.append(nl);
                if (blank || line.length() > 0) b.append(ind);
            }
            b.append(line);
        }
        PyStr rv = b.build();
        return first ? ind.concat(rv) : rv;
    }

    private static List<Object> sort(Object v, boolean reverse, boolean caseSensitive, Object attribute) {
        List<Object> items = Py.iterate(v);
        Comparator<Object> cmp = (x, y) -> Ops.compare(sortKey(x, attribute, caseSensitive),
                sortKey(y, attribute, caseSensitive), "<");
        items.sort(reverse ? cmp.reversed() : cmp);
        return items;
    }

    private static Object sortKey(Object o, Object attribute, boolean caseSensitive) {
        Object k = attribute == null ? o : attribute(o, attribute);
        return !caseSensitive && k instanceof PyStr s ? PyStr.of(s.text.toLowerCase(java.util.Locale.ROOT)) : k;
    }

    private static List<Object> dictsort(Object v, boolean caseSensitive, String by, boolean reverse) {
        if (!(v instanceof Map<?, ?> m)) throw Py.typeError("You can only sort by either \"key\" or \"value\"");
        List<Object> items = Access.items(m);
        int pos = by.equals("value") ? 1 : 0;
        Comparator<Object> cmp = (x, y) -> Ops.compare(sortKey(((List<?>) x).get(pos), null, caseSensitive),
                sortKey(((List<?>) y).get(pos), null, caseSensitive), "<");
        items.sort(reverse ? cmp.reversed() : cmp);
        return items;
    }

    private static Object toInt(Object v, Object dflt) {
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof Long) return v;
        if (v instanceof Double d) return (long) (double) d;
        if (v instanceof PyStr s) {
            try {
                return Long.parseLong(s.text.strip());
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(s.text.strip());
                } catch (NumberFormatException e2) {
                    return dflt;
                }
            }
        }
        return dflt;
    }

    private static Object toFloat(Object v, Object dflt) {
        if (Py.isNumber(v)) return Py.toDouble(v);
        if (v instanceof PyStr s) {
            try {
                return Double.parseDouble(s.text.strip());
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }

    private static double round(Object v, long precision, String method) {
        double x = Py.toDouble(v), f = Math.pow(10, precision);
        return switch (method) {
            case "ceil" -> Math.ceil(x * f) / f;
            case "floor" -> Math.floor(x * f) / f;
            default -> new java.math.BigDecimal(x).setScale((int) precision, java.math.RoundingMode.HALF_EVEN).doubleValue();
        };
    }

    private static Gen map(Object v, List<Object> a, Map<String, Object> kw) {
        List<Object> out = new ArrayList<>();
        if (!Py.truthy(v)) return new Gen(out);
        if (kw.containsKey("attribute")) {
            Object attribute = kw.get("attribute");
            for (Object o : Py.iterate(v)) {
                Object r = attribute(o, attribute);
                out.add(r instanceof Undefined && kw.containsKey("default") ? kw.get("default") : r);
            }
            return new Gen(out);
        }
        if (a.isEmpty()) throw Py.typeError("map requires a filter argument");
        String filter = Py.str(a.getFirst()).text;
        List<Object> rest = a.subList(1, a.size());
        for (Object o : Py.iterate(v)) out.add(apply(filter, o, rest, kw));
        return new Gen(out);
    }

    private static Gen select(Object v, List<Object> a, boolean keep, boolean byAttr) {
        List<Object> out = new ArrayList<>();
        int k = byAttr ? 1 : 0;
        String test = a.size() > k ? Py.str(a.get(k)).text : null;
        List<Object> rest = a.size() > k + 1 ? a.subList(k + 1, a.size()) : List.of();
        if (!Py.truthy(v)) return new Gen(out);
        for (Object o : Py.iterate(v)) {
            Object x = byAttr ? attribute(o, a.getFirst()) : o;
            boolean ok = test == null ? Py.truthy(x) : Tests.apply(test, x, rest);
            if (ok == keep) out.add(o);
        }
        return new Gen(out);
    }

    private static List<Object> batch(Object v, long size, Object fill) {
        List<Object> out = new ArrayList<>();
        List<Object> cur = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
            cur.add(o);
            if (cur.size() == size) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) {
            if (fill != null) while (cur.size() < size) cur.add(fill);
            out.add(cur);
        }
        return out;
    }

    private static PyStr truncate(PyStr s, long length, boolean killwords, PyStr end, long leeway) {
        if (s.length() <= length + leeway) return s;
        if (killwords) return s.substring(0, (int) (length - end.length())).concat(end);
        PyStr head = s.substring(0, (int) (length - end.length()));
        int cut = head.text.lastIndexOf(' ');
        return (cut >= 0 ? head.substring(0, cut) : head).concat(end);
    }
}
