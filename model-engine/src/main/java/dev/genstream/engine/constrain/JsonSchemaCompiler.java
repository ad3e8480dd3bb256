package dev.genstream.engine.constrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema → GBNF, for the subset: {@code type} (one or a list), {@code properties}, {@code required},
 * {@code additionalProperties} (false, or a schema when there are no properties), {@code enum}, {@code const},
 * {@code items}, {@code minItems}/{@code maxItems}, {@code minLength}/{@code maxLength}, {@code anyOf},
 * {@code oneOf} (only when its branches provably exclude each other), {@code $ref} to {@code #/$defs/...} or
 * {@code #/definitions/...}. Annotations are ignored; any other keyword is an {@link UnsupportedSchemaException}.
 *
 * <p>Objects are written with their declared properties only, in declared order: a subset of what the schema
 * allows, so every match validates.
 */
public final class JsonSchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$comment", "examples", "default",
            "$schema", "$id", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties", "enum",
            "const", "items", "minItems", "maxItems", "minLength", "maxLength", "anyOf", "oneOf", "$ref");
    private static final List<String> TYPES = List.of("object", "array", "string", "integer", "number", "boolean", "null");

    private final JsonNode root;
    private final GbnfBuilder out = new GbnfBuilder();
    private final Map<String, String> refRules = new HashMap<>();

    private JsonSchemaCompiler(JsonNode root) {
        this.root = root;
    }

    /** The grammar of JSON texts that validate against {@code schemaJson}. */
    public static Grammar compile(String schemaJson) {
        return Grammar.parse(toGbnf(schemaJson));
    }

    public static String toGbnf(String schemaJson) {
        JsonNode node;
        try {
            node = JSON.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new GrammarException("the JSON schema is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null) throw new GrammarException("the JSON schema is empty");
        JsonSchemaCompiler c = new JsonSchemaCompiler(node);
        return c.out.build(c.visit(node, "#", "root-value"));
    }

    /** The GBNF of any JSON object (response_format json_object). */
    public static String anyObjectGbnf() {
        GbnfBuilder b = new GbnfBuilder();
        return b.build(b.primitive("object"));
    }

    private String visit(JsonNode s, String where, String hint) {
        if (s.isBoolean()) {
            if (s.booleanValue()) return out.primitive("value");
            throw new GrammarException("schema at " + where + " is 'false': nothing can match it");
        }
        if (!s.isObject()) throw new GrammarException("schema at " + where + " must be an object or a boolean");
        for (var it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SUPPORTED.contains(k) && !ANNOTATIONS.contains(k)) throw new UnsupportedSchemaException(k, where);
        }
        if (s.has("$ref")) {
            only(s, where, "$ref");
            return ref(s.get("$ref").asText(), where);
        }
        for (String comb : List.of("anyOf", "oneOf")) {
            if (!s.has(comb)) continue;
            only(s, where, comb);
            JsonNode branches = s.get(comb);
            if (!branches.isArray() || branches.isEmpty()) throw new GrammarException(comb + " at " + where + " must be a non-empty array");
            List<String> alts = new ArrayList<>();
            for (int i = 0; i < branches.size(); i++) alts.add(visit(branches.get(i), where + "/" + comb + "/" + i, hint + "-" + i));
            if (comb.equals("oneOf")) Disjoint.check(branches, where, this::resolve);
            return named(hint, String.join(" | ", alts));
        }
        if (s.has("const")) return GbnfBuilder.literal(canonical(s.get("const")));
        if (s.has("enum")) {
            JsonNode values = s.get("enum");
            if (!values.isArray() || values.isEmpty()) throw new GrammarException("enum at " + where + " must be a non-empty array");
            List<String> alts = new ArrayList<>();
            for (JsonNode v : values) alts.add(GbnfBuilder.literal(canonical(v)));
            return named(hint, String.join(" | ", alts));
        }
        List<String> types = types(s, where);
        List<String> alts = new ArrayList<>();
        for (String t : types) alts.add(typed(s, t, where, types.size() == 1 ? hint : hint + "-" + t));
        return alts.size() == 1 ? alts.get(0) : named(hint, String.join(" | ", alts));
    }

    private String typed(JsonNode s, String type, String where, String hint) {
        return switch (type) {
            case "object" -> object(s, where, hint);
            case "array" -> {
                String item = s.has("items") ? visit(itemsOf(s, where), where + "/items", hint + "-item") : out.primitive("value");
                int min = count(s, "minItems", 0, where), max = count(s, "maxItems", -1, where);
                if (max >= 0 && max < min) throw new GrammarException("maxItems < minItems at " + where);
                yield named(hint, out.array(item, min, max));
            }
            case "string" -> {
                int min = count(s, "minLength", 0, where), max = count(s, "maxLength", -1, where);
                if (max >= 0 && max < min) throw new GrammarException("maxLength < minLength at " + where);
                yield out.string(min, max);
            }
            default -> out.primitive(type);
        };
    }

    private String object(JsonNode s, String where, String hint) {
        JsonNode props = s.get("properties");
        JsonNode extra = s.get("additionalProperties");
        Set<String> required = new LinkedHashSet<>();
        if (s.has("required")) for (JsonNode r : s.get("required")) required.add(r.asText());
        boolean closed = extra != null && extra.isBoolean() && !extra.booleanValue();
        if (extra != null && extra.isObject()) {
            if (props != null && !props.isEmpty() || !required.isEmpty()) {
                throw new UnsupportedSchemaException("additionalProperties", where, "a schema beside properties or required");
            }
            return named(hint, out.map(visit(extra, where + "/additionalProperties", hint + "-value")));
        }
        List<GbnfBuilder.Prop> list = new ArrayList<>();
        Set<String> declared = new LinkedHashSet<>();
        if (props != null) {
            for (var it = props.fields(); it.hasNext(); ) {
                var e = it.next();
                declared.add(e.getKey());
                String value = visit(e.getValue(), where + "/properties/" + e.getKey(), hint + "-" + e.getKey());
                list.add(new GbnfBuilder.Prop(e.getKey(), value, required.contains(e.getKey())));
            }
        }
        for (String r : required) {
            if (declared.contains(r)) continue;
            if (closed) throw new GrammarException("required property '" + r + "' at " + where + " is forbidden by additionalProperties: false");
            list.add(new GbnfBuilder.Prop(r, out.primitive("value"), true));
        }
        if (props == null && !closed && required.isEmpty()) return out.primitive("object");
        return named(hint, out.object(hint, list));
    }

    private JsonNode itemsOf(JsonNode s, String where) {
        JsonNode items = s.get("items");
        if (items.isArray()) throw new UnsupportedSchemaException("items", where, "tuple form (an array of schemas)");
        return items;
    }

    private List<String> types(JsonNode s, String where) {
        JsonNode t = s.get("type");
        List<String> types = new ArrayList<>();
        if (t == null) {
            if (s.has("properties") || s.has("required") || s.has("additionalProperties")) types.add("object");
            else if (s.has("items") || s.has("minItems") || s.has("maxItems")) types.add("array");
            else if (s.has("minLength") || s.has("maxLength")) types.add("string");
            else types.addAll(List.of("object", "array", "string", "number", "boolean", "null"));
            return types;
        }
        for (JsonNode n : t.isArray() ? t : List.of(t)) {
            if (!TYPES.contains(n.asText())) throw new UnsupportedSchemaException("type", where, "'" + n.asText() + "'");
            if (!types.contains(n.asText())) types.add(n.asText());
        }
        if (types.contains("number")) types.remove("integer"); // every integer is a number
        return types;
    }

    private static int count(JsonNode s, String key, int dflt, String where) {
        JsonNode n = s.get(key);
        if (n == null) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 0) throw new GrammarException(key + " at " + where + " must be a non-negative integer");
        return n.intValue();
    }

    private static void only(JsonNode s, String where, String keyword) {
        for (var it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(keyword) && !ANNOTATIONS.contains(k)) throw new UnsupportedSchemaException(k, where, "beside '" + keyword + "'");
        }
    }

    private String ref(String ref, String where) {
        String name = refRules.get(ref);
        if (name != null) return name;
        JsonNode target = resolve(ref, where);
        name = out.reserve("ref-" + ref.substring(ref.lastIndexOf('/') + 1));
        refRules.put(ref, name); // before visiting: a recursive schema refers to its own rule
        out.define(name, visit(target, ref, name));
        return name;
    }

    JsonNode resolve(String ref, String where) {
        if (!ref.startsWith("#/$defs/") && !ref.startsWith("#/definitions/") && !ref.equals("#")) {
            throw new UnsupportedSchemaException("$ref", where, "only '#', '#/$defs/NAME' and '#/definitions/NAME' are supported, got '" + ref + "'");
        }
        if (ref.equals("#")) return root;
        JsonNode target = root.at(ref.substring(1));
        if (target.isMissingNode()) throw new GrammarException("$ref '" + ref + "' at " + where + " points to nothing");
        return target;
    }

    private String named(String hint, String body) {
        String name = out.reserve(hint);
        out.define(name, body);
        return name;
    }

    private static String canonical(JsonNode v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
