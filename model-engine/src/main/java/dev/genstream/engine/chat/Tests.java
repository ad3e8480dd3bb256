package dev.genstream.engine.chat;

import java.util.List;
import java.util.Map;

/** Jinja's tests ({@code x is defined}, {@code x is string}, ...). */
final class Tests {
    private Tests() {}

    static boolean apply(String name, Object v, List<Object> a) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof PyStr;
            case "mapping" -> v instanceof Map;
            case "iterable" -> v instanceof PyStr || v instanceof List || v instanceof Map || v instanceof Gen;
            case "sequence" -> v instanceof PyStr || v instanceof List || v instanceof Map;
            case "number" -> v instanceof Long || v instanceof Double || v instanceof Boolean;
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "callable" -> v instanceof PyCallable;
            case "sameas" -> v == a.get(0) || (v instanceof Boolean && v.equals(a.get(0)));
            case "eq", "equalto", "==" -> Ops.eq(v, a.get(0));
            case "ne", "!=" -> !Ops.eq(v, a.get(0));
            case "lt", "lessthan", "<" -> Ops.compare(v, a.get(0), "<") < 0;
            case "le", "<=" -> Ops.compare(v, a.get(0), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Ops.compare(v, a.get(0), ">") > 0;
            case "ge", ">=" -> Ops.compare(v, a.get(0), ">=") >= 0;
            case "in" -> Ops.contains(a.get(0), v);
            case "even" -> Py.toLong(v) % 2 == 0;
            case "odd" -> Py.toLong(v) % 2 != 0;
            case "divisibleby" -> Py.toLong(v) % Py.toLong(a.get(0)) == 0;
            case "lower" -> v instanceof PyStr s && s.text.equals(s.text.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> v instanceof PyStr s && s.text.equals(s.text.toUpperCase(java.util.Locale.ROOT));
            case "escaped" -> false;
            default -> throw new TemplateException("no test named '" + name + "'");
        };
    }
}
