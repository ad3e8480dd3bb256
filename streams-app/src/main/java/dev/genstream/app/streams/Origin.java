package dev.genstream.app.streams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Where a prompt record first arrived, and its raw bytes, carried in headers through the repartition topic so
 * that a dead letter raised later still names the original record and holds it whole.
 */
public record Origin(String topic, int partition, long offset, byte[] key, byte[] value) {
    static final String TOPIC = "genstream.origin.topic";
    static final String PARTITION = "genstream.origin.partition";
    static final String OFFSET = "genstream.origin.offset";
    static final String KEY = "genstream.origin.key";
    static final String VALUE = "genstream.origin.value";

    void writeTo(Headers h) {
        h.add(TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        h.add(PARTITION, ByteBuffer.allocate(4).putInt(partition).array());
        h.add(OFFSET, ByteBuffer.allocate(8).putLong(offset).array());
        if (key != null) h.add(KEY, key);
        if (value != null) h.add(VALUE, value);
    }

    public static Origin from(Headers h) {
        if (h.lastHeader(TOPIC) == null) return new Origin("", -1, -1, null, null);
        return new Origin(new String(h.lastHeader(TOPIC).value(), StandardCharsets.UTF_8),
                ByteBuffer.wrap(h.lastHeader(PARTITION).value()).getInt(),
                ByteBuffer.wrap(h.lastHeader(OFFSET).value()).getLong(),
                h.lastHeader(KEY) == null ? null : h.lastHeader(KEY).value(),
                h.lastHeader(VALUE) == null ? null : h.lastHeader(VALUE).value());
    }

    /** Removes the carried headers so they do not leak into output records. */
    static void strip(Headers h) {
        for (String k : new String[] {TOPIC, PARTITION, OFFSET, KEY, VALUE}) h.remove(k);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeUTF(topic);
        out.writeInt(partition);
        out.writeLong(offset);
        writeBytes(out, key);
        writeBytes(out, value);
    }

    static Origin read(DataInputStream in) throws IOException {
        return new Origin(in.readUTF(), in.readInt(), in.readLong(), readBytes(in), readBytes(in));
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
