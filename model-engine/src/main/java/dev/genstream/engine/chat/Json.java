package dev.genstream.engine.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's {@code json.dumps}, as HF's {@code tojson} filter calls it; user marks survive into the escaped text. */
final class Json {
    private final boolean ensureAscii;
    private final String indent;
    private final String itemSep;
    private final String keySep;
    private final boolean sortKeys;
    private final PyStr.Builder out = new PyStr.Builder();

    private Json(boolean ensureAscii, String indent, String itemSep, String keySep, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.itemSep = itemSep;
        this.keySep = keySep;
        this.sortKeys = sortKeys;
    }

    /**
     * @param indent     null, a number of spaces, or a string
     * @param separators null or a pair (item separator, key separator)
     */
    static PyStr dumps(Object value, boolean ensureAscii, Object indent, Object separators, boolean sortKeys) {
        String ind = indent == null ? null
                : indent instanceof PyStr s ? s.text : " ".repeat((int) Math.max(0, Py.toLong(indent)));
        String itemSep = ind == null ? ", " : ",", keySep = ": ";
        if (separators != null) {
            List<Object> seps = Py.iterate(separators);
            if (seps.size() != 2) throw Py.typeError("separators must be a pair of strings");
            itemSep = Py.str(seps.get(0)).text;
            keySep = Py.str(seps.get(1)).text;
        }
        Json j = new Json(ensureAscii, ind, itemSep, keySep, sortKeys);
        j.write(value, 0);
        return j.out.build();
    }

    private void write(Object v, int level) {
        if (v == null) out.append("null");
        else if (v instanceof Boolean b) out.append(b ? "true" : "false");
        else if (v instanceof Long l) out.append(l.toString());
        else if (v instanceof Double d) out.append(floatText(d));
        else if (v instanceof PyStr s) string(s);
        else if (v instanceof List<?> l) list(l, level);
        else if (v instanceof Map<?, ?> m) map(m, level);
        else throw Py.typeError("Object of type " + Py.typeName(v) + " is not JSON serializable");
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return Py.floatRepr(d);
    }

    private void list(List<?> l, int level) {
        if (l.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append("[");
        for (int i = 0; i < l.size(); i++) {
            out.append(i == 0 ? "" : itemSep);
            newline(level + 1);
            write(l.get(i), level + 1);
        }
        newline(level);
        out.append("]");
    }

    private void map(Map<?, ?> m, int level) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        if (sortKeys) entries.sort((a, b) -> Ops.compare(a.getKey(), b.getKey(), "<"));
        out.append("{");
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            out.append(first ? "" : itemSep);
            first = false;
            newline(level + 1);
            Object k = e.getKey();
            if (k instanceof PyStr s) string(s);
            else if (k == null || k instanceof Boolean || k instanceof Long || k instanceof Double) {
                out.append("\"").append(k instanceof Double d ? floatText(d) : k == null ? "null"
                        : k instanceof Boolean b ? (b ? "true" : "false") : k.toString()).append("\"");
            } else {
                throw Py.typeError("keys must be str, int, float, bool or None, not " + Py.typeName(k));
            }
            out.append(keySep);
            write(e.getValue(), level + 1);
        }
        newline(level);
        out.append("}");
    }

    private void newline(int level) {
        if (indent != null) out.append("\n").append(indent.repeat(level));
    }

    private void string(PyStr s) {
        out.append("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean user = s.isUser(i);
            String esc = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> c < 0x20 || (ensureAscii && c > 0x7e) ? String.format("\\u%04x", (int) c) : null;
            };
            if (esc == null) out.append(c, user);
            else for (int k = 0; k < esc.length(); k++) out.append(esc.charAt(k), user);
        }
        out.append("\"");
    }
}
