package dev.genstream.app.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Strings as Confluent's Avro serdes write them: the primitive schema {@code "string"} registered under the
 * subject, the registry header, then the Avro-encoded string. For consumers that decode keys as Avro
 * ({@code genstream.output.key.format=avro-string}); the default keys are plain UTF-8.
 */
public final class AvroStringSerde implements Serde<String>, Serializer<String>, Deserializer<String> {
    private static final Schema STRING = Schema.create(Schema.Type.STRING);

    private final SchemaRegistryClient client;
    private final boolean isKey;

    public AvroStringSerde(Map<String, ?> config, boolean isKey) {
        this.client = SchemaRegistryClient.fromConfig(config);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, String data) {
        if (data == null) return null;
        String subject = WireFormat.subject(topic, isKey);
        int id;
        try {
            id = client.register(subject, STRING);
        } catch (SchemaRegistryException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.REGISTRY_ERROR, "cannot register \"string\" under " + subject + ": " + e.getMessage(), e);
        }
        byte[] utf8 = data.getBytes(StandardCharsets.UTF_8);
        var out = new java.io.ByteArrayOutputStream(utf8.length + 10);
        out.write(WireFormat.MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeString(data);
            encoder.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) return null;
        int id = WireFormat.schemaId(topic, data);
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (SchemaRegistryException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.REGISTRY_ERROR, "schema id " + id + " on " + topic + ": " + e.getMessage(), e);
        }
        if (writer.getType() != Schema.Type.STRING) {
            throw new AvroSerdeException(AvroSerdeException.Kind.SCHEMA_MISMATCH, "schema id " + id + " on " + topic + " is " + writer + ", not \"string\"", null);
        }
        try {
            BinaryDecoder d = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
            return d.readString();
        } catch (java.io.IOException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.CORRUPT_PAYLOAD, "cannot decode a string key on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // configured at construction
    }

    @Override
    public Serializer<String> serializer() {
        return this;
    }

    @Override
    public Deserializer<String> deserializer() {
        return this;
    }

    @Override
    public void close() {
        client.close();
    }
}
