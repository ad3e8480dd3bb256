package dev.genstream.engine.constrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Avro schema (its JSON text) → GBNF of the plain JSON a record of that schema reads from: a record is an object
 * with every field, in order; an enum one of its symbols; an array and a map as JSON arrays and objects; a union
 * with null the value or {@code null}; int and long bounded integers that fit them, float and double numbers;
 * logical types as their base type. bytes, fixed and other unions are rejected, naming the type.
 */
public final class AvroSchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GbnfBuilder out = new GbnfBuilder();
    private final Map<String, String> named = new HashMap<>();

    private AvroSchemaCompiler() {}

    public static Grammar compile(String avroSchemaJson) {
        return Grammar.parse(toGbnf(avroSchemaJson));
    }

    public static String toGbnf(String avroSchemaJson) {
        JsonNode node;
        try {
            node = JSON.readTree(avroSchemaJson);
        } catch (JsonProcessingException e) {
            throw new GrammarException("the Avro schema is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null) throw new GrammarException("the Avro schema is empty");
        AvroSchemaCompiler c = new AvroSchemaCompiler();
        return c.out.build(c.visit(node, null, "value"));
    }

    private String visit(JsonNode s, String namespace, String hint) {
        if (s.isTextual()) return primitiveOrNamed(s.asText(), namespace);
        if (s.isArray()) return union(s, namespace, hint);
        if (!s.isObject() || !s.has("type")) throw new GrammarException("Avro schema at '" + hint + "' has no type");
        JsonNode typeNode = s.get("type");
        if (!typeNode.isTextual()) return visit(typeNode, namespace, hint);
        String type = typeNode.asText();
        return switch (type) {
            case "record", "error" -> record(s, namespace);
            case "enum" -> {
                String name = declare(s, namespace);
                List<String> alts = new ArrayList<>();
                for (JsonNode sym : s.path("symbols")) alts.add(GbnfBuilder.literal(JsonText.quote(sym.asText())));
                if (alts.isEmpty()) throw new GrammarException("Avro enum '" + name + "' has no symbols");
                out.define(named.get(fullName(s, namespace)), String.join(" | ", alts));
                yield named.get(fullName(s, namespace));
            }
            case "array" -> rule(hint, out.array(visit(required(s, "items"), namespace, hint + "-item"), 0, -1));
            case "map" -> rule(hint, out.map(visit(required(s, "values"), namespace, hint + "-value")));
            case "fixed" -> throw new UnsupportedSchemaException("fixed", hint, "Avro fixed has no JSON text form here");
            default -> primitiveOrNamed(type, namespace); // a primitive, possibly with a logicalType: its base type
        };
    }

    private String record(JsonNode s, String namespace) {
        String full = fullName(s, namespace);
        declare(s, namespace);
        String ns = full.contains(".") ? full.substring(0, full.lastIndexOf('.')) : null;
        List<GbnfBuilder.Prop> props = new ArrayList<>();
        for (JsonNode f : s.path("fields")) {
            String name = f.path("name").asText();
            if (name.isEmpty()) throw new GrammarException("a field of Avro record '" + full + "' has no name");
            props.add(new GbnfBuilder.Prop(name, visit(required(f, "type"), ns, full + "-" + name), true));
        }
        String rule = named.get(full);
        out.define(rule, out.object(rule, props));
        return rule;
    }

    private String union(JsonNode branches, String namespace, String hint) {
        List<JsonNode> nonNull = new ArrayList<>();
        boolean hasNull = false;
        for (JsonNode b : branches) {
            if (b.isTextual() && b.asText().equals("null")) hasNull = true;
            else nonNull.add(b);
        }
        if (nonNull.size() > 1) {
            throw new UnsupportedSchemaException("union", hint, "only a union of null and one type is supported, got " + branches);
        }
        if (nonNull.isEmpty()) return out.primitive("null");
        String value = visit(nonNull.get(0), namespace, hint);
        return hasNull ? rule(hint + "-or-null", value + " | " + out.primitive("null")) : value;
    }

    private String primitiveOrNamed(String type, String namespace) {
        return switch (type) {
            case "null" -> out.primitive("null");
            case "boolean" -> out.primitive("boolean");
            case "int" -> {
                if (!named.containsKey(" int")) named.put(" int", rule("int32", "\"-\"? (\"0\" | [1-9] [0-9]{0,8})"));
                yield named.get(" int");
            }
            case "long" -> out.primitive("integer");
            case "float", "double" -> out.primitive("number");
            case "string" -> out.primitive("string");
            case "bytes" -> throw new UnsupportedSchemaException("bytes", "type", "Avro bytes has no JSON text form here");
            default -> {
                String full = type.contains(".") || namespace == null ? type : namespace + "." + type;
                String rule = named.getOrDefault(full, named.get(type));
                if (rule == null) throw new GrammarException("Avro schema refers to unknown type '" + type + "'");
                yield rule;
            }
        };
    }

    private String declare(JsonNode s, String namespace) {
        String full = fullName(s, namespace);
        if (named.containsKey(full)) throw new GrammarException("Avro type '" + full + "' is defined twice");
        String rule = out.reserve(full);
        named.put(full, rule);
        return full;
    }

    private static String fullName(JsonNode s, String namespace) {
        String name = s.path("name").asText();
        if (name.isEmpty()) throw new GrammarException("an Avro " + s.path("type").asText() + " has no name");
        if (name.contains(".")) return name;
        String ns = s.has("namespace") ? s.get("namespace").asText() : namespace;
        return ns == null || ns.isEmpty() ? name : ns + "." + name;
    }

    private static JsonNode required(JsonNode s, String key) {
        JsonNode n = s.get(key);
        if (n == null) throw new GrammarException("Avro schema " + s + " has no '" + key + "'");
        return n;
    }

    private String rule(String hint, String body) {
        String name = out.reserve(hint);
        out.define(name, body);
        return name;
    }
}
