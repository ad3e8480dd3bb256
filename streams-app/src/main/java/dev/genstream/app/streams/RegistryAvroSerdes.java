package dev.genstream.app.streams;

import dev.genstream.app.registry.AvroSerdeException;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.schemas.ErrorCode;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Value serdes in Confluent wire format against the configured schema registry. */
public final class RegistryAvroSerdes implements GenstreamTopology.AvroSerdes {
    private final Map<String, Object> config;

    public RegistryAvroSerdes(Map<String, Object> config) {
        this.config = config;
    }

    @Override
    public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        return GenstreamSerdes.forClass(type, config, false);
    }

    @Override
    public Optional<ErrorCode> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AvroSerdeException e) return e.deadLetterCode();
        }
        return Optional.of(ErrorCode.NOT_AVRO);
    }
}
