package dev.genstream.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming side of GgufWriter: tensors produced on demand, one at a time, straight to the output. */
class GgufWriterTest {
    @TempDir
    Path dir;

    /** Counts what reached the underlying stream, and keeps nothing. */
    static final class Sink extends OutputStream {
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

    /** Writes {@code bytes} bytes of value {@code fill} in 1000-byte pieces, as a row-by-row producer would. */
    static GgufWriter.TensorData rows(long bytes, int fill) {
        return out -> {
            byte[] row = new byte[1000];
            java.util.Arrays.fill(row, (byte) fill);
            for (long done = 0; done < bytes; done += row.length) out.write(row, 0, (int) Math.min(row.length, bytes - done));
        };
    }

    /**
     * When a tensor's producer is called, everything before it (header and earlier tensors) has already reached the
     * output stream, and the producer's own bytes pass straight through: the writer holds no tensor data.
     */
    @Test
    void eachTensorIsProducedInTurnAndPassedStraightThrough() throws IOException {
        Sink sink = new Sink();
        List<String> calls = new ArrayList<>();
        long[] sizes = {34L * 100, 4L * 1000, 34L * 7};
        long[] seenAtStart = new long[3];
        GgufWriter w = new GgufWriter().put("general.architecture", "llama");
        String[] names = {"a", "b", "c"};
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.F32, GgmlType.Q8_0};
        long[][] dims = {{3200}, {1000}, {224}};
        for (int i = 0; i < 3; i++) {
            int k = i;
            w.tensor(names[i], types[i], dims[i], out -> {
                calls.add(names[k]);
                seenAtStart[k] = sink.count;
                rows(sizes[k], k + 1).writeTo(out);
                assertThat(sink.count).as("bytes of %s already out", names[k]).isEqualTo(seenAtStart[k] + sizes[k]);
            });
        }
        List<String> progress = new ArrayList<>();
        w.onProgress((i, n, name, bytes) -> progress.add(i + "/" + n + " " + name + " " + bytes));
        assertThat(calls).as("nothing is produced before write").isEmpty();
        w.write(sink);
        assertThat(calls).containsExactly("a", "b", "c");
        assertThat(seenAtStart[1]).isEqualTo(seenAtStart[0] + 3424); // 3400 bytes padded to 32
        assertThat(seenAtStart[2]).isEqualTo(seenAtStart[1] + 4000);
        assertThat(sink.count).isEqualTo(w.fileSize());
        assertThat(progress).hasSize(3).last().isEqualTo("2/3 c " + sink.count);
    }

    @Test
    void streamedTensorsReadBackAsWritten() throws IOException {
        Path p = dir.resolve("s.gguf");
        new GgufWriter()
                .put("n", new GgufWriter.U32(7))
                .tensor("a", GgmlType.F32, new long[] {250, 3}, rows(3000, 0))
                .tensor("b", GgmlType.Q8_0, new long[] {64, 2}, rows(136, 5))
                .write(p);
        assertThat(Files.size(p)).isEqualTo(new GgufWriter().put("n", new GgufWriter.U32(7))
                .tensor("a", GgmlType.F32, new long[] {250, 3}, rows(3000, 0))
                .tensor("b", GgmlType.Q8_0, new long[] {64, 2}, rows(136, 5)).fileSize());
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.metadata().get("n")).as("read back as uint32").isEqualTo(7L);
            assertThat(f.tensor("b").data().toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 5).hasSize(136);
            assertThat(f.tensor("a").data().byteSize()).isEqualTo(3000);
        }
    }

    @Test
    void aProducerMustWriteExactlyItsTensorsSize() {
        GgufWriter shortOne = new GgufWriter().tensor("short", GgmlType.F32, new long[] {10}, rows(39, 1));
        assertThatThrownBy(() -> shortOne.write(new Sink())).hasMessageContaining("short").hasMessageContaining("39 bytes");
        GgufWriter longOne = new GgufWriter().tensor("long", GgmlType.F32, new long[] {10}, rows(41, 1));
        assertThatThrownBy(() -> longOne.write(new Sink())).hasMessageContaining("long").hasMessageContaining("40 bytes");
    }
}
