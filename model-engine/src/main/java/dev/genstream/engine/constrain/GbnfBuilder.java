package dev.genstream.engine.constrain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the GBNF of JSON shapes for the schema compilers: primitives on demand, objects with a fixed property
 * order, arrays, maps. Whitespace is at most one space after {@code { [ , :}, and numbers have bounded digits, so
 * no rule can grow forever and every value stays parseable as a long or double.
 */
final class GbnfBuilder {
    /** A property in output order; {@code value} is a rule name or GBNF expression. */
    record Prop(String key, String value, boolean required) {}

    private static final Map<String, String> PRIMITIVES = Map.of(
            "ws", "\" \"?",
            "char", "[^\"\\\\\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-CeEfF] hex hex hex | [dD] [0-7] hex hex))",
            "hex", "[0-9a-fA-F]",
            "string", "\"\\\"\" char* \"\\\"\"",
            "integer", "\"-\"? (\"0\" | [1-9] [0-9]{0,14})",
            "number", "\"-\"? (\"0\" | [1-9] [0-9]{0,14}) (\".\" [0-9]{1,15})? ([eE] [-+]? [1-9] [0-9]?)?",
            "boolean", "\"true\" | \"false\"",
            "null", "\"null\"",
            "value", "object | array | string | number | boolean | null",
            "object", "\"{\" ws (string \":\" ws value (\",\" ws string \":\" ws value)*)? \"}\"");
    private static final Map<String, List<String>> DEPENDS = Map.of(
            "char", List.of("hex"), "string", List.of("char"),
            "value", List.of("object", "array", "string", "number", "boolean", "null"),
            "object", List.of("ws", "string", "value"));

    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();

    /** A primitive rule's name, defining it (and what it uses) the first time. */
    String primitive(String name) {
        if (name.equals("array")) {
            define("array", "\"[\" ws (value (\",\" ws value)*)? \"]\"");
            primitive("ws");
            primitive("value");
            return name;
        }
        if (!rules.containsKey(name)) {
            String body = PRIMITIVES.get(name);
            if (body == null) throw new IllegalArgumentException("no primitive " + name);
            define(name, body);
            for (String d : DEPENDS.getOrDefault(name, List.of())) primitive(d);
        }
        return name;
    }

    /** A fresh rule name derived from {@code hint}. */
    String reserve(String hint) {
        String base = hint.replaceAll("[^a-zA-Z0-9-]+", "-").replaceAll("^-+|-+$", "").toLowerCase(java.util.Locale.ROOT);
        if (base.isEmpty()) base = "r";
        String name = base;
        for (int i = 2; names.contains(name) || PRIMITIVES.containsKey(name) || name.equals("array") || name.equals("root"); i++) name = base + "-" + i;
        names.add(name);
        return name;
    }

    void define(String name, String body) {
        names.add(name);
        rules.put(name, body);
    }

    /** A GBNF literal matching exactly {@code text}. */
    static String literal(String text) {
        StringBuilder b = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') b.append('\\').append((char) c);
            else if (c < 0x20 || c == 0x7F) b.append(String.format("\\x%02X", c));
            else b.appendCodePoint(c);
        });
        return b.append('"').toString();
    }

    /** Properties in the given order: required ones always, optional ones may be left out; commas only between. */
    String object(String hint, List<Prop> props) {
        primitive("ws");
        if (props.isEmpty()) return "\"{\" ws \"}\"";
        List<String> kv = new ArrayList<>();
        for (Prop p : props) kv.add(literal(JsonText.quote(p.key())) + " \":\" ws " + p.value());
        // first[i]: the members from i on when none has been written yet
        String[] first = new String[props.size() + 1];
        String[] tails = new String[props.size() + 1];
        tails[props.size()] = "";
        for (int i = props.size() - 1; i >= 0; i--) {
            String item = "\",\" ws " + kv.get(i);
            tails[i] = (props.get(i).required() ? item : "(" + item + ")?") + (tails[i + 1].isEmpty() ? "" : " " + tails[i + 1]);
        }
        boolean[] used = new boolean[props.size() + 1]; // first[i] is referenced: by the object, or after an optional
        used[0] = true;
        for (int i = 0; i < props.size(); i++) used[i + 1] = used[i] && !props.get(i).required();
        for (int i = props.size() - 1; i >= 0; i--) {
            if (!used[i]) continue;
            String withThis = kv.get(i) + (tails[i + 1].isEmpty() ? "" : " " + tails[i + 1]);
            if (props.get(i).required()) {
                first[i] = "(" + withThis + ")";
            } else {
                String name = reserve(hint + "-from-" + props.get(i).key());
                define(name, first[i + 1] == null ? "(" + withThis + ")?" : withThis + " | " + first[i + 1]);
                first[i] = name;
            }
        }
        return "\"{\" ws " + first[0] + " \"}\"";
    }

    /** {@code [item, ...]} with minItems..maxItems (max < 0: unbounded). */
    String array(String item, int min, int max) {
        primitive("ws");
        String more = "(\",\" ws " + item + ")";
        if (max == 0) return "\"[\" ws \"]\"";
        String rest = max < 0 ? more + (min <= 1 ? "*" : "{" + (min - 1) + ",}")
                : more + "{" + Math.max(0, min - 1) + "," + (max - 1) + "}";
        String body = item + " " + rest;
        return "\"[\" ws " + (min == 0 ? "(" + body + ")?" : body) + " \"]\"";
    }

    /** An object with any string keys, every value matching {@code value}. */
    String map(String value) {
        primitive("ws");
        String kv = primitive("string") + " \":\" ws " + value;
        return "\"{\" ws (" + kv + " (\",\" ws " + kv + ")*)? \"}\"";
    }

    /** A string of minLength..maxLength code points (max < 0: unbounded). */
    String string(int min, int max) {
        primitive("string");
        if (min == 0 && max < 0) return "string";
        return "\"\\\"\" char{" + min + "," + (max < 0 ? "" : String.valueOf(max)) + "} \"\\\"\"";
    }

    String build(String root) {
        StringBuilder b = new StringBuilder("root ::= ").append(root).append('\n');
        for (var e : rules.entrySet()) b.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
        return b.toString();
    }
}
