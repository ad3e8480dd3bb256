package dev.genstream.app.streams.conversation;

import dev.genstream.schemas.ChatMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A conversation as the service keeps it: the messages the model saw for the last turn plus its reply, the ids of
 * the requests answered (so a resent turn is answered once), and when it was last active (for the TTL).
 */
public record History(List<ChatMessage> messages, List<String> answered, long lastActivity) {
    private static final byte VERSION = 1;
    /** How many answered request ids are remembered for duplicate detection. */
    static final int ANSWERED_KEPT = 256;

    public static History empty() {
        return new History(List.of(), List.of(), 0);
    }

    /** This history after a turn: {@code kept} (possibly truncated) + the new turn's messages + the reply. */
    History after(List<ChatMessage> kept, List<ChatMessage> turn, String reply, String requestId, long now) {
        List<ChatMessage> all = new ArrayList<>(kept);
        all.addAll(turn);
        all.add(new ChatMessage("assistant", reply));
        List<String> ids = new ArrayList<>(answered);
        ids.add(requestId);
        if (ids.size() > ANSWERED_KEPT) ids = new ArrayList<>(ids.subList(ids.size() - ANSWERED_KEPT, ids.size()));
        return new History(List.copyOf(all), List.copyOf(ids), now);
    }

    public static Serde<History> serde() {
        return Serdes.serdeFrom((topic, h) -> h == null ? null : h.toBytes(), (topic, b) -> b == null ? null : fromBytes(b));
    }

    byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeByte(VERSION);
            out.writeLong(lastActivity);
            out.writeInt(messages.size());
            for (ChatMessage m : messages) {
                writeString(out, m.getRole());
                writeString(out, m.getContent());
            }
            out.writeInt(answered.size());
            for (String id : answered) writeString(out, id);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static History fromBytes(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readByte() != VERSION) throw new IllegalStateException("unknown conversation history format");
            long last = in.readLong();
            List<ChatMessage> ms = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) ms.add(new ChatMessage(readString(in), readString(in)));
            List<String> ids = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) ids.add(readString(in));
            return new History(List.copyOf(ms), List.copyOf(ids), last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(DataOutputStream out, CharSequence s) throws IOException {
        byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
    }
}
