package dev.genstream.app.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The plain JSON that a constrained generation wrote (as {@code AvroSchemaCompiler} shapes it) → an Avro datum of
 * the schema → Confluent wire-format bytes. Any mismatch is an {@link IllegalArgumentException} naming the path.
 */
final class JsonToAvro {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonToAvro() {}

    static byte[] wire(String json, Schema schema, int schemaId) {
        Object datum;
        try {
            datum = convert(JSON.readTree(json), schema, "$");
        } catch (IOException e) {
            throw new IllegalArgumentException("the output is not JSON: " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        try {
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<Object>(schema).write(datum, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Object convert(JsonNode n, Schema s, String path) {
        switch (s.getType()) {
            case RECORD -> {
                if (!n.isObject()) throw mismatch(path, s);
                GenericData.Record r = new GenericData.Record(s);
                for (Schema.Field f : s.getFields()) {
                    if (!n.has(f.name())) throw new IllegalArgumentException(path + " lacks field " + f.name());
                    r.put(f.pos(), convert(n.get(f.name()), f.schema(), path + "." + f.name()));
                }
                return r;
            }
            case ENUM -> {
                if (!n.isTextual() || !s.hasEnumSymbol(n.asText())) throw mismatch(path, s);
                return new GenericData.EnumSymbol(s, n.asText());
            }
            case ARRAY -> {
                if (!n.isArray()) throw mismatch(path, s);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n.size(); i++) items.add(convert(n.get(i), s.getElementType(), path + "[" + i + "]"));
                return new GenericData.Array<>(s, items);
            }
            case MAP -> {
                if (!n.isObject()) throw mismatch(path, s);
                Map<String, Object> m = new HashMap<>();
                n.fields().forEachRemaining(e -> m.put(e.getKey(), convert(e.getValue(), s.getValueType(), path + "." + e.getKey())));
                return m;
            }
            case UNION -> {
                for (Schema t : s.getTypes()) {
                    if (t.getType() == Schema.Type.NULL ? n.isNull() : !n.isNull()) return convert(n, t, path);
                }
                throw mismatch(path, s);
            }
            case NULL -> {
                if (!n.isNull()) throw mismatch(path, s);
                return null;
            }
            case BOOLEAN -> {
                if (!n.isBoolean()) throw mismatch(path, s);
                return n.booleanValue();
            }
            case INT -> {
                if (!n.isIntegralNumber() || !n.canConvertToInt()) throw mismatch(path, s);
                return n.intValue();
            }
            case LONG -> {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) throw mismatch(path, s);
                return n.longValue();
            }
            case FLOAT -> {
                if (!n.isNumber()) throw mismatch(path, s);
                return n.floatValue();
            }
            case DOUBLE -> {
                if (!n.isNumber()) throw mismatch(path, s);
                return n.doubleValue();
            }
            case STRING -> {
                if (!n.isTextual()) throw mismatch(path, s);
                return n.textValue();
            }
            default -> throw new IllegalArgumentException(path + ": Avro type " + s.getType() + " has no JSON form here");
        }
    }

    private static IllegalArgumentException mismatch(String path, Schema s) {
        return new IllegalArgumentException(path + " is not a " + s.getType().getName());
    }
}
