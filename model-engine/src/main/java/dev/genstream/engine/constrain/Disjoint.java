package dev.genstream.engine.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Proves that the branches of a {@code oneOf} exclude each other, so that matching any one branch (what the
 * grammar can enforce) is the same as matching exactly one. Provable cases: different JSON types, different
 * const/enum values, an object property one branch requires and the other forbids, or a property both require
 * whose schemas are themselves disjoint. Anything else is rejected rather than relaxed to {@code anyOf}.
 */
final class Disjoint {
    private static final Set<String> ALL = Set.of("object", "array", "string", "number", "boolean", "null");

    private final BiFunction<String, String, JsonNode> resolve;

    private Disjoint(BiFunction<String, String, JsonNode> resolve) {
        this.resolve = resolve;
    }

    static void check(JsonNode branches, String where, BiFunction<String, String, JsonNode> resolve) {
        Disjoint d = new Disjoint(resolve);
        for (int i = 0; i < branches.size(); i++) {
            for (int j = i + 1; j < branches.size(); j++) {
                if (!d.disjoint(branches.get(i), branches.get(j), 0)) {
                    throw new UnsupportedSchemaException("oneOf", where, "branches " + i + " and " + j
                            + " may both match (make them exclusive: different types, distinct const/enum values, or a required property the other forbids; or use anyOf)");
                }
            }
        }
    }

    private JsonNode deref(JsonNode s) {
        for (int i = 0; i < 32 && s.isObject() && s.has("$ref"); i++) s = resolve.apply(s.get("$ref").asText(), "oneOf");
        return s;
    }

    private boolean disjoint(JsonNode a, JsonNode b, int depth) {
        a = deref(a);
        b = deref(b);
        if (depth > 16 || !a.isObject() || !b.isObject()) return false;
        Set<String> ka = kinds(a, 0), kb = kinds(b, 0);
        if (ka.stream().noneMatch(kb::contains)) return true;
        Set<JsonNode> va = values(a), vb = values(b);
        if (va != null && vb != null && va.stream().noneMatch(vb::contains)) return true;
        if (!ka.equals(Set.of("object")) || !kb.equals(Set.of("object"))) return false;
        if (forbids(a, b) || forbids(b, a)) return true;
        for (JsonNode r : a.path("required")) {
            String p = r.asText();
            if (contains(b.path("required"), p) && a.path("properties").has(p) && b.path("properties").has(p)
                    && disjoint(a.path("properties").get(p), b.path("properties").get(p), depth + 1)) return true;
        }
        return false;
    }

    /** {@code a} requires a property that closed {@code b} does not declare. */
    private static boolean forbids(JsonNode a, JsonNode b) {
        JsonNode extra = b.get("additionalProperties");
        if (extra == null || !extra.isBoolean() || extra.booleanValue()) return false;
        for (JsonNode r : a.path("required")) if (!b.path("properties").has(r.asText())) return true;
        return false;
    }

    private static boolean contains(JsonNode array, String s) {
        for (JsonNode n : array) if (n.asText().equals(s)) return true;
        return false;
    }

    private Set<String> kinds(JsonNode s, int depth) {
        s = deref(s);
        if (!s.isObject() || depth > 16) return ALL;
        Set<String> out = new HashSet<>();
        for (String comb : List.of("anyOf", "oneOf")) {
            if (s.has(comb)) {
                for (JsonNode b : s.get(comb)) out.addAll(kinds(b, depth + 1));
                return out;
            }
        }
        Set<JsonNode> values = values(s);
        if (values != null) {
            for (JsonNode v : values) out.add(kindOf(v));
            return out;
        }
        JsonNode t = s.get("type");
        if (t == null) {
            if (s.has("properties") || s.has("required") || s.has("additionalProperties")) return Set.of("object");
            if (s.has("items") || s.has("minItems") || s.has("maxItems")) return Set.of("array");
            if (s.has("minLength") || s.has("maxLength")) return Set.of("string");
            return ALL;
        }
        for (JsonNode n : t.isArray() ? t : List.of(t)) out.add(n.asText().equals("integer") ? "number" : n.asText());
        return out;
    }

    private static Set<JsonNode> values(JsonNode s) {
        if (s.has("const")) return Set.of(s.get("const"));
        if (s.has("enum")) {
            Set<JsonNode> out = new HashSet<>();
            s.get("enum").forEach(out::add);
            return out;
        }
        return null;
    }

    private static String kindOf(JsonNode v) {
        if (v.isObject()) return "object";
        if (v.isArray()) return "array";
        if (v.isTextual()) return "string";
        if (v.isNumber()) return "number";
        if (v.isBoolean()) return "boolean";
        return "null";
    }
}
