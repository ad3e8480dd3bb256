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

/**
 * Writes GGUF v3 files: metadata of the common value types, then tensors aligned to 32 bytes. Tensor data can be
 * given as arrays or produced on demand: the header (with every tensor's offset, known from its shape) is written
 * first, then each tensor's {@link TensorData} is called in turn and streamed straight out, so a file of any size
 * needs no more memory than its producers hold at once.
 */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;

    /** Produces one tensor's bytes, in file order, when the writer reaches that tensor. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Told after each tensor's data is out: its index (0-based), the count, and the file's bytes so far. */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(int index, int count, String name, long bytesWritten);
    }

    /** A metadata value written as GGUF uint32 (llama.cpp insists on it for hyperparameters and token ids). */
    public record U32(int value) {}

    private record Tensor(String name, GgmlType type, long[] dims, long bytes, TensorData data) {}

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private Progress progress = (i, n, name, bytes) -> {};

    /** Values: String, Integer (i32), {@link U32}, Long (u64), Float, Boolean, String[], int[] (i32), float[]. */
    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor; dims[0] is the row length, as in ggml. */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        long bytes = bytes(type, dims);
        if (bytes != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " bytes for " + bytes + " bytes of " + type + " values");
        }
        return tensor(name, type, dims, out -> out.write(data));
    }

    /** Adds a tensor whose bytes {@code data} produces during {@link #write}; it must produce exactly the shape's size. */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, TensorData data) {
        tensors.add(new Tensor(name, type, dims.clone(), bytes(type, dims), data));
        return this;
    }

    public GgufWriter onProgress(Progress progress) {
        this.progress = progress;
        return this;
    }

    /** The file's size once written. */
    public long fileSize() {
        try {
            CountingSink sink = new CountingSink();
            writeHeader(new LittleEndian(sink));
            long size = align(sink.count);
            for (Tensor t : tensors) size += align(t.bytes);
            return size;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long bytes(GgmlType type, long[] dims) {
        long elements = 1;
        for (long d : dims) elements = Math.multiplyExact(elements, d);
        return type.bytesFor(elements);
    }

    public void write(Path path) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(path))) {
            write(os);
        }
    }

    public void write(OutputStream os) throws IOException {
        LittleEndian out = new LittleEndian(os);
        writeHeader(out);
        out.pad(align(out.written) - out.written);
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            Bounded data = new Bounded(out, t);
            t.data.writeTo(data);
            if (data.count != t.bytes) {
                throw new IllegalStateException("tensor " + t.name + ": produced " + data.count + " bytes, its shape needs " + t.bytes);
            }
            out.pad(align(t.bytes) - t.bytes);
            out.flush();
            progress.tensorWritten(i, tensors.size(), t.name, out.written);
        }
    }

    private void writeHeader(LittleEndian out) throws IOException {
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
            offset = align(offset + t.bytes);
        }
    }

    private static long align(long x) {
        return (x + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void value(LittleEndian out, String key, Object v) throws IOException {
        switch (v) {
            case String s -> { out.i32(8); out.string(s); }
            case Integer i -> { out.i32(5); out.i32(i); }
            case U32 u -> { out.i32(4); out.i32(u.value()); }
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

    /** What a tensor's producer writes to: passed straight through, and refused past the tensor's size. */
    private static final class Bounded extends OutputStream {
        private final LittleEndian out;
        private final Tensor tensor;
        long count;

        Bounded(LittleEndian out, Tensor tensor) {
            this.out = out;
            this.tensor = tensor;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (count + len > tensor.bytes) {
                throw new IllegalStateException("tensor " + tensor.name + ": produced more than the " + tensor.bytes + " bytes its shape needs");
            }
            out.bytes(b, off, len);
            count += len;
        }
    }

    /** Counts bytes and keeps none: sizes the header. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
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
            bytes(b, 0, b.length);
        }

        void bytes(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
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
