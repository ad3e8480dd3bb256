package dev.genstream.app.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated SpecificRecords, or GenericRecords) in Confluent's wire format under the
 * subject {@code <topic>-value} or {@code <topic>-key}. With {@code auto.register.schemas} (the default) the
 * record's schema is registered; with {@code use.latest.version} the subject's latest schema is used instead
 * (looked up once); otherwise the record's schema must already be registered. Thread-safe.
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatest;
    private final ConcurrentMap<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> subjects = new ConcurrentHashMap<>();
    /** Per thread: one growable buffer and one encoder, reused for every record (the record's bytes are copied out). */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch extends ByteArrayOutputStream {
        BinaryEncoder encoder;

        Scratch() {
            super(256);
        }
    }

    /** For Kafka to instantiate by class name; {@link #configure} creates the registry client. */
    public AvroSerializer() {
    }

    /** Uses a shared client, which {@link #close()} leaves open. */
    public AvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        RegistryConfig config = RegistryConfig.from(configs);
        this.isKey = isKey;
        subjects.clear();
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatest = config.useLatestVersion();
        if (client == null || ownsClient) {
            if (client != null) client.close();
            client = new SchemaRegistryClient(config);
            ownsClient = true;
        }
    }

    /** Only the key/value choice and the schema policy, for a client given at construction. */
    AvroSerializer<T> configure(boolean isKey, boolean autoRegister, boolean useLatest) {
        this.isKey = isKey;
        subjects.clear();
        this.autoRegister = autoRegister;
        this.useLatest = useLatest;
        return this;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) return null;
        if (client == null) throw new IllegalStateException("AvroSerializer used before configure()");
        String subject = subjects.computeIfAbsent(topic, t -> WireFormat.subject(t, isKey));
        Schema schema = data.getSchema();
        Object datum = data;
        int id;
        try {
            if (useLatest) {
                RegisteredSchema latest = latestBySubject.computeIfAbsent(subject, client::latest);
                id = latest.id();
                if (!latest.schema().equals(schema)) {
                    datum = convert(data, latest.schema());
                    schema = latest.schema();
                }
            } else {
                id = autoRegister ? client.register(subject, schema) : client.lookupId(subject, schema);
            }
        } catch (SchemaRegistryException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.REGISTRY_ERROR,
                    "cannot get a schema id for " + schema.getFullName() + " under " + subject + ": "
                            + e.getMessage(), e);
        }
        return write(id, writer(schema, data), datum, topic);
    }

    private static byte[] write(int id, DatumWriter<Object> writer, Object datum, String topic) {
        Scratch out = SCRATCH.get();
        out.reset();
        out.write(WireFormat.MAGIC);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            out.encoder = EncoderFactory.get().directBinaryEncoder(out, out.encoder);
            writer.write(datum, out.encoder);
            out.encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.CORRUPT_PAYLOAD,
                    "cannot encode a record for " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private DatumWriter<Object> writer(Schema schema, IndexedRecord sample) {
        return writers.computeIfAbsent(schema, s -> {
            // Generated classes carry their own model, which knows their logical-type conversions.
            GenericData model = sample instanceof SpecificRecordBase r ? r.getSpecificData() : GenericData.get();
            @SuppressWarnings("unchecked")
            DatumWriter<Object> w = (DatumWriter<Object>) model.createDatumWriter(s);
            return w;
        });
    }

    /** Re-reads the record with the registry's latest schema (Avro resolution), so fields land by name. */
    private Object convert(T data, Schema target) {
        try {
            byte[] own = write(0, writer(data.getSchema(), data), data, "conversion");
            var reader = new GenericDatumReader<Object>(data.getSchema(), target);
            return reader.read(null, DecoderFactory.get().binaryDecoder(own, WireFormat.HEADER_SIZE,
                    own.length - WireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.SCHEMA_MISMATCH, "a " + data.getSchema().getFullName()
                    + " cannot be written with the subject's latest schema: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) client.close();
    }
}
