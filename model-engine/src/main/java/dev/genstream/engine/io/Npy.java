package dev.genstream.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** numpy .npy files: read as float32 (from f4/f8/i4/i8), written as float32 v1, the logits command's format. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern HEADER = Pattern.compile(
            "'descr':\\s*'([^']+)'.*'fortran_order':\\s*(True|False).*'shape':\\s*\\(([^)]*)\\)", Pattern.DOTALL);

    /** A float32 array with its shape. */
    public record Array(int[] shape, float[] data) {
        public int rows() {
            return shape[0];
        }

        public int cols() {
            return shape.length > 1 ? shape[1] : 1;
        }
    }

    private Npy() {}

    public static Array read(Path path) throws IOException {
        return read(Files.readAllBytes(path), path.toString());
    }

    public static Array read(byte[] bytes, String what) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (b.get() != m) throw new IllegalArgumentException(what + ": not a .npy file");
        }
        int major = b.get();
        b.get();
        int headerLen = major == 1 ? b.getShort() & 0xffff : b.getInt();
        String header = new String(bytes, b.position(), headerLen, StandardCharsets.ISO_8859_1);
        b.position(b.position() + headerLen);
        Matcher m = HEADER.matcher(header);
        if (!m.find()) throw new IllegalArgumentException(what + ": unreadable .npy header " + header);
        String dtype = m.group(1);
        if (!dtype.matches("<(f4|f8|i4|i8)")) throw new IllegalArgumentException(what + ": unsupported dtype " + dtype);
        if (m.group(2).equals("True")) throw new IllegalArgumentException(what + ": Fortran order is not supported");
        String[] dims = m.group(3).split(",");
        int count = 0;
        for (String d : dims) if (!d.isBlank()) count++;
        int[] shape = new int[count];
        int i = 0;
        long total = 1;
        for (String d : dims) {
            if (d.isBlank()) continue;
            shape[i] = Integer.parseInt(d.trim());
            total *= shape[i++];
        }
        float[] data = new float[Math.toIntExact(total)];
        for (int k = 0; k < data.length; k++) {
            data[k] = switch (dtype) {
                case "<f4" -> b.getFloat();
                case "<f8" -> (float) b.getDouble();
                case "<i4" -> b.getInt();
                default -> b.getLong();
            };
        }
        return new Array(shape, data);
    }

    /** Writes a 2-D float32 array of [rows, cols] in numpy v1 format. */
    public static void write(OutputStream out, float[] data, int rows, int cols) throws IOException {
        if ((long) rows * cols != data.length) throw new IllegalArgumentException("shape does not match data");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        StringBuilder header = new StringBuilder(dict).repeat(" ", pad).append('\n');
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer body = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (!body.hasRemaining()) {
                out.write(body.array(), 0, body.position());
                body.clear();
            }
            body.putFloat(v);
        }
        out.write(body.array(), 0, body.position());
    }
}
