package dev.genstream.engine.gguf;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes GGUF v3 files: metadata of the common value types, then tensors aligned to 32 bytes. */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;

    private record Tensor(String name, GgmlType type, long[] dims, byte[] data) {}

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** Values: String, Integer (i32), Long (u64), Float, Boolean, String[], int[], float[]. */
    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor; dims[0] is the row length, as in ggml. */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        long elements = 1;
        for (long d : dims) elements *= d;
        if (type.bytesFor(elements) != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " bytes for " + elements + " " + type + " values");
        }
        tensors.add(new Tensor(name, type, dims.clone(), data));
        return this;
    }

    public void write(Path path) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(path))) {
            write(os);
        }
    }

    public void write(OutputStream os) throws IOException {
        LittleEndian out = new LittleEndian(os);
        out.i32(0x46554747);
        out.i32(3);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            out.string(e.getKey());
            value(out, e.getKey(), e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.string(t.name);
            out.i32(t.dims.length);
            for (long d : t.dims) out.i64(d);
            out.i32(t.type.id);
            out.i64(offset);
            offset = align(offset + t.data.length);
        }
        out.pad(align(out.written) - out.written);
        for (Tensor t : tensors) {
            out.bytes(t.data);
            out.pad(align(t.data.length) - t.data.length);
        }
        out.flush();
    }

    private static long align(long x) {
        return (x + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void value(LittleEndian out, String key, Object v) throws IOException {
        switch (v) {
            case String s -> { out.i32(8); out.string(s); }
            case Integer i -> { out.i32(5); out.i32(i); }
            case Long l -> { out.i32(10); out.i64(l); }
            case Float f -> { out.i32(6); out.f32(f); }
            case Boolean b -> { out.i32(7); out.bytes(new byte[] {(byte) (b ? 1 : 0)}); }
            case String[] a -> {
                out.i32(9); out.i32(8); out.i64(a.length);
                for (String s : a) out.string(s);
            }
            case int[] a -> {
                out.i32(9); out.i32(5); out.i64(a.length);
                for (int i : a) out.i32(i);
            }
            case float[] a -> {
                out.i32(9); out.i32(6); out.i64(a.length);
                for (float f : a) out.f32(f);
            }
            default -> throw new IllegalArgumentException(key + ": cannot write a " + v.getClass().getSimpleName());
        }
    }

    /** A little-endian stream that counts what it wrote. */
    private static final class LittleEndian {
        private final DataOutputStream out;
        long written;

        LittleEndian(OutputStream os) {
            this.out = new DataOutputStream(os);
        }

        void i32(int v) throws IOException {
            out.writeInt(Integer.reverseBytes(v));
            written += 4;
        }

        void i64(long v) throws IOException {
            out.writeLong(Long.reverseBytes(v));
            written += 8;
        }

        void f32(float v) throws IOException {
            i32(Float.floatToRawIntBits(v));
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            written += b.length;
        }

        void pad(long n) throws IOException {
            for (long i = 0; i < n; i++) out.write(0);
            written += n;
        }

        void flush() throws IOException {
            out.flush();
        }
    }
}
