package dev.genstream.app.registry;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Ready-made registry-backed serdes for the generated event classes. */
public final class GenstreamSerdes {
    private GenstreamSerdes() {
    }

    /**
     * A serde of {@code type} configured from Confluent-style keys ({@code schema.registry.url}, ...), keyed
     * on subject {@code <topic>-key} when {@code isKey}, else {@code <topic>-value}.
     */
    public static <T extends SpecificRecord> AvroSerde<T> forClass(Class<T> type, Map<String, ?> config, boolean isKey) {
        return new AvroSerde<>(type, RegistryConfig.from(config), isKey);
    }
}
