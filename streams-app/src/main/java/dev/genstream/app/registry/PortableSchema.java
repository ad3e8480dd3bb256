package dev.genstream.app.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * A schema as other languages' clients see it: without {@code avro.java.string}, the property Avro's Java code
 * generator adds to every string. Registered this way, a Java and a Python producer of the same record share one
 * schema version instead of two that differ only in a Java hint. The JSON is self-contained: each named type is
 * defined where it is first used, so one file needs no other.
 */
public final class PortableSchema {
    static final String JAVA_STRING = "avro.java.string";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PortableSchema() {}

    /** The schema's JSON with every {@code avro.java.string} removed. */
    public static String json(Schema schema, boolean pretty) {
        try {
            JsonNode tree = strip(JSON.readTree(schema.toString()));
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) : JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite schema " + schema.getFullName(), e);
        }
    }

    public static Schema of(Schema schema) {
        return new Schema.Parser().parse(json(schema, false));
    }

    /** Removes the hint everywhere; a {"type": "string"} left with nothing else becomes plain "string". */
    private static JsonNode strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(JAVA_STRING);
            o.properties().forEach(e -> e.setValue(strip(e.getValue())));
            if (o.size() == 1 && o.path("type").isTextual()) return o.get("type");
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, strip(a.get(i)));
        }
        return node;
    }
}
