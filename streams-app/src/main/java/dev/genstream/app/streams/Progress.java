package dev.genstream.app.streams;

import dev.genstream.schemas.PromptRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A request in flight, as kept in the changelogged store: the request itself, where it came from, and the tokens
 * already delivered. After a crash, generation resumes after exactly these tokens.
 */
public record Progress(PromptRequest request, Origin origin, int[] tokens, long arrivedAt) {
    private static final byte VERSION = 1;
    // Thread-safe, and costly to build (the reader resolves schemas): one of each for every request.
    private static final SpecificDatumWriter<PromptRequest> WRITER = new SpecificDatumWriter<>(PromptRequest.class);
    private static final SpecificDatumReader<PromptRequest> READER = new SpecificDatumReader<>(PromptRequest.class);

    public Progress withTokens(int[] more) {
        int[] all = Arrays.copyOf(tokens, tokens.length + more.length);
        System.arraycopy(more, 0, all, tokens.length, more.length);
        return new Progress(request, origin, all, arrivedAt);
    }

    public static Serde<Progress> serde() {
        Serializer<Progress> ser = (topic, p) -> p == null ? null : p.toBytes();
        Deserializer<Progress> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }

    byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeByte(VERSION);
            byte[] req = avro(request);
            out.writeInt(req.length);
            out.write(req);
            origin.write(out);
            out.writeLong(arrivedAt);
            out.writeInt(tokens.length);
            for (int t : tokens) out.writeInt(t);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Progress fromBytes(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readByte() != VERSION) throw new IllegalStateException("unknown progress format");
            byte[] req = in.readNBytes(in.readInt());
            Origin origin = Origin.read(in);
            long arrivedAt = in.readLong();
            int[] tokens = new int[in.readInt()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = in.readInt();
            return new Progress(fromAvro(req), origin, tokens, arrivedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] avro(PromptRequest r) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bos, null);
        WRITER.write(r, enc);
        enc.flush();
        return bos.toByteArray();
    }

    private static PromptRequest fromAvro(byte[] b) throws IOException {
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(b, null);
        return READER.read(null, dec);
    }
}
