package dev.genstream.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as plain JSON with the schema's field names: unions as their value (not Avro's {"type": value}
 * wrapping), enums as their symbol, timestamps as ISO-8601, bytes as base64. One line per record in JSONL files.
 */
public final class AvroJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AvroJson() {}

    /** {"type": type, ...the record's fields}. */
    public static ObjectNode of(String type, IndexedRecord r) {
        ObjectNode o = F.objectNode().put("type", type);
        o.setAll(record(r));
        return o;
    }

    public static ObjectNode record(IndexedRecord r) {
        ObjectNode o = F.objectNode();
        for (Schema.Field f : r.getSchema().getFields()) o.set(f.name(), value(r.get(f.pos()), f.schema()));
        return o;
    }

    private static JsonNode value(Object v, Schema s) {
        if (v == null) return F.nullNode();
        return switch (s.getType()) {
            case UNION -> value(v, s.getTypes().get(GenericData.get().resolveUnion(s, v)));
            case RECORD -> record((IndexedRecord) v);
            case ARRAY -> {
                ArrayNode a = F.arrayNode();
                for (Object e : (Collection<?>) v) a.add(value(e, s.getElementType()));
                yield a;
            }
            case MAP -> {
                ObjectNode m = F.objectNode();
                ((Map<?, ?>) v).forEach((k, e) -> m.set(k.toString(), value(e, s.getValueType())));
                yield m;
            }
            case BYTES, FIXED -> {
                ByteBuffer b = ((ByteBuffer) v).duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                yield F.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case LONG -> v instanceof Instant i ? F.textNode(i.toString()) : F.numberNode((Long) v);
            case INT -> F.numberNode((Integer) v);
            case FLOAT -> F.numberNode((Float) v);
            case DOUBLE -> F.numberNode((Double) v);
            case BOOLEAN -> F.booleanNode((Boolean) v);
            case NULL -> F.nullNode();
            default -> F.textNode(v.toString()); // STRING, ENUM
        };
    }
}
