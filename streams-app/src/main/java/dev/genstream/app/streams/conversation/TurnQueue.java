package dev.genstream.app.streams.conversation;

import dev.genstream.app.streams.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The turns of one conversation not yet answered, oldest first. The head is the one being generated; its
 * {@link Progress} carries the tokens already delivered, so a restarted task resumes it after exactly those.
 */
public record TurnQueue(List<Progress> turns) {
    private static final byte VERSION = 1;
    private static final Serde<Progress> PROGRESS = Progress.serde();

    Progress head() {
        return turns.get(0);
    }

    boolean contains(String requestId) {
        return turns.stream().anyMatch(p -> p.request().getRequestId().equals(requestId));
    }

    TurnQueue with(Progress p) {
        List<Progress> all = new ArrayList<>(turns);
        all.add(p);
        return new TurnQueue(List.copyOf(all));
    }

    TurnQueue withHead(Progress p) {
        List<Progress> all = new ArrayList<>(turns);
        all.set(0, p);
        return new TurnQueue(List.copyOf(all));
    }

    /** Without its head; null when nothing is left (the store then deletes the key). */
    TurnQueue rest() {
        return turns.size() <= 1 ? null : new TurnQueue(List.copyOf(turns.subList(1, turns.size())));
    }

    public static Serde<TurnQueue> serde() {
        return Serdes.serdeFrom((topic, q) -> q == null ? null : q.toBytes(), (topic, b) -> b == null ? null : fromBytes(b));
    }

    private byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeByte(VERSION);
            out.writeInt(turns.size());
            for (Progress p : turns) {
                byte[] b = PROGRESS.serializer().serialize(null, p);
                out.writeInt(b.length);
                out.write(b);
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TurnQueue fromBytes(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readByte() != VERSION) throw new IllegalStateException("unknown turn queue format");
            List<Progress> turns = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) turns.add(PROGRESS.deserializer().deserialize(null, in.readNBytes(in.readInt())));
            return new TurnQueue(List.copyOf(turns));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
