package dev.genstream.app.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A raw prompt record waiting for the registry, as stored: its origin (with its bytes) and timestamp. */
record ParkedRecord(Origin origin, long timestamp) {
    /** Sorts by partition, then offset: the order the records arrived in. */
    static byte[] key(Origin o) {
        byte[] topic = o.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(topic.length + 12).put(topic).putInt(o.partition()).putLong(o.offset()).array();
    }

    static byte[] encode(Origin o, long timestamp) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(o.topic());
            out.writeInt(o.partition());
            out.writeLong(o.offset());
            out.writeLong(timestamp);
            writeBytes(out, o.key());
            writeBytes(out, o.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ParkedRecord decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            byte[] key = readBytes(in), value = readBytes(in);
            return new ParkedRecord(new Origin(topic, partition, offset, key, value), timestamp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
