package dev.genstream.app.registry;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro: it fetches the writer's schema by the id in the header (once per id) and
 * resolves it to the reader's schema, so records written before a compatible schema change still decode.
 * The reader is a generated class ({@link #AvroDeserializer(Class)}, or {@code specific.avro.value.type} /
 * {@code specific.avro.key.type}), a given schema ({@link #generic}), or else the writer's own schema.
 * Failures are {@link AvroSerdeException}s whose kind tells a poison record from a registry problem. Thread-safe.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private Class<?> type;
    private final Schema genericReader;
    private final ConcurrentMap<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    /** One decoder per thread, re-pointed at each record. */
    private static final ThreadLocal<BinaryDecoder[]> DECODER = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

    /** For Kafka to instantiate by class name; the reader type comes from the config. */
    public AvroDeserializer() {
        this(null, null, null);
    }

    public AvroDeserializer(Class<T> type) {
        this(type, null, null);
    }

    /** Uses a shared client, which {@link #close()} leaves open. */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this(type, null, client);
    }

    private AvroDeserializer(Class<?> type, Schema genericReader, SchemaRegistryClient client) {
        if (type != null && !SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro SpecificRecord");
        }
        this.type = type;
        this.genericReader = genericReader;
        this.client = client;
    }

    /** Reads GenericRecords resolved to {@code readerSchema}; null reads each record with its writer's schema. */
    public static AvroDeserializer<GenericRecord> generic(Schema readerSchema, SchemaRegistryClient client) {
        return new AvroDeserializer<>(null, readerSchema, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (type == null && genericReader == null) {
            type = configuredType(configs.get(isKey ? RegistryConfig.SPECIFIC_KEY_TYPE
                    : RegistryConfig.SPECIFIC_VALUE_TYPE));
        }
        if (client == null || ownsClient) {
            if (client != null) client.close();
            client = SchemaRegistryClient.fromConfig(configs);
            ownsClient = true;
        }
        readers.clear();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) return null;
        if (client == null) throw new IllegalStateException("AvroDeserializer used before configure()");
        int id = WireFormat.schemaId(topic, data);
        DatumReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = reader(topic, id);
            readers.putIfAbsent(id, reader);
        }
        try {
            BinaryDecoder[] reuse = DECODER.get();
            BinaryDecoder decoder = reuse[0] = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, reuse[0]);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) throw new IOException("bytes left over after the record");
            return value;
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(AvroSerdeException.Kind.CORRUPT_PAYLOAD, "record on " + topic
                    + " does not decode with its writer's schema (id " + id + "): " + e, e);
        }
    }

    private DatumReader<T> reader(String topic, int id) {
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (SchemaRegistryException e) {
            AvroSerdeException.Kind kind = e.isNotFound() ? AvroSerdeException.Kind.UNKNOWN_SCHEMA
                    : e.errorCode() == SchemaRegistryException.INVALID_SCHEMA ? AvroSerdeException.Kind.SCHEMA_MISMATCH
                    : AvroSerdeException.Kind.REGISTRY_ERROR;
            throw new AvroSerdeException(kind, "record on " + topic + " names schema id " + id + ": "
                    + e.getMessage(), e);
        }
        Class<?> readType = type != null || genericReader != null ? type : SpecificData.get().getClass(writer);
        if (readType != null && !SpecificRecord.class.isAssignableFrom(readType)) readType = null;
        Schema readerSchema = readType != null ? SpecificData.get().getSchema(readType)
                : genericReader != null ? genericReader : writer;
        var compat = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new AvroSerdeException(AvroSerdeException.Kind.SCHEMA_MISMATCH, "record on " + topic
                    + " was written with schema id " + id + " (" + writer.getFullName() + "), which cannot be read as "
                    + readerSchema.getFullName() + ": " + compat.getResult().getIncompatibilities(), null);
        }
        GenericData model = readType != null ? SpecificData.getForClass(readType) : GenericData.get();
        @SuppressWarnings("unchecked")
        DatumReader<T> r = (DatumReader<T>) model.createDatumReader(writer, readerSchema);
        return r;
    }

    private static Class<?> configuredType(Object v) {
        if (v == null) return null;
        if (v instanceof Class<?> c) return c;
        try {
            return Class.forName(String.valueOf(v).strip(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException("no Avro class " + v + " on the class path");
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) client.close();
    }
}
