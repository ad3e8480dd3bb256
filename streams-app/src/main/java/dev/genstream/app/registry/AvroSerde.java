package dev.genstream.app.registry;

import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A serializer and deserializer of one record type sharing one registry client, which this serde owns. */
public final class AvroSerde<T extends IndexedRecord> implements Serde<T> {
    private final SchemaRegistryClient client;
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    AvroSerde(Class<T> type, RegistryConfig config, boolean isKey) {
        this.client = new SchemaRegistryClient(config);
        this.serializer = new AvroSerializer<T>(client)
                .configure(isKey, config.autoRegisterSchemas(), config.useLatestVersion());
        this.deserializer = new AvroDeserializer<>(type, client);
    }

    public SchemaRegistryClient client() {
        return client;
    }

    /** Already configured at construction; Kafka's call changes nothing. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        client.close();
    }
}
