package dev.genstream.app.registry;

import java.nio.ByteBuffer;

/** Confluent's framing: magic byte 0, a 4-byte big-endian schema id, then the Avro binary body. */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id in the header, or an {@link AvroSerdeException} of kind NOT_AVRO. */
    public static int schemaId(String topic, byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new AvroSerdeException(AvroSerdeException.Kind.NOT_AVRO, "record on " + topic + " has "
                    + data.length + " bytes, fewer than the " + HEADER_SIZE + "-byte schema-registry header", null);
        }
        if (data[0] != MAGIC) {
            throw new AvroSerdeException(AvroSerdeException.Kind.NOT_AVRO, String.format(
                    "record on %s starts with byte 0x%02x, not the schema-registry magic byte 0", topic, data[0]),
                    null);
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** The subject of a topic's keys or values under Confluent's default TopicNameStrategy. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
