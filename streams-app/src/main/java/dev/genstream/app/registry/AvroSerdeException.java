package dev.genstream.app.registry;

import dev.genstream.schemas.ErrorCode;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;

/** A record that could not be (de)serialized, with the kind of failure so callers can route it. */
public final class AvroSerdeException extends SerializationException {

    public enum Kind {
        /** Not in the wire format: shorter than the 5-byte header, or a first byte other than the magic 0. */
        NOT_AVRO,
        /** The header names a schema id the registry does not have. */
        UNKNOWN_SCHEMA,
        /** The header is fine but the Avro body does not decode with the writer's schema. */
        CORRUPT_PAYLOAD,
        /** The writer's schema cannot be resolved to the reader's (a different record, or not Avro). */
        SCHEMA_MISMATCH,
        /** The registry could not be asked or refused the call (down, unauthorized, incompatible schema). */
        REGISTRY_ERROR
    }

    private final Kind kind;

    public AvroSerdeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The dead-letter code for a poison record, or empty when the failure is the registry's and the record
     * itself may be fine: that one should be retried, not dead-lettered.
     */
    public Optional<ErrorCode> deadLetterCode() {
        return switch (kind) {
            case NOT_AVRO, CORRUPT_PAYLOAD -> Optional.of(ErrorCode.NOT_AVRO);
            case UNKNOWN_SCHEMA, SCHEMA_MISMATCH -> Optional.of(ErrorCode.UNKNOWN_SCHEMA);
            case REGISTRY_ERROR -> Optional.empty();
        };
    }
}
