package dev.genstream.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.kernels.UnsupportedTensorTypeException;
import dev.genstream.engine.kernels.WeightMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path dir;

    private Path sample() throws IOException {
        byte[] f32 = new byte[4 * 8 * 2];
        for (int i = 0; i < f32.length; i += 4) f32[i + 3] = 0x3f; // 0.5f little-endian
        Path p = dir.resolve("sample.gguf");
        new GgufWriter()
                .put("general.architecture", "llama")
                .put("some.count", 7)
                .put("some.big", 1L << 40)
                .put("some.ratio", 0.25f)
                .put("some.flag", true)
                .put("some.names", new String[] {"a", "βγ", ""})
                .put("some.ids", new int[] {3, -1, 5})
                .put("some.scores", new float[] {1.5f, -2f})
                .tensor("w", GgmlType.F32, new long[] {8, 2}, f32)
                .tensor("q", GgmlType.Q8_0, new long[] {32, 1}, new byte[34])
                .write(p);
        return p;
    }

    @Test
    void readsMetadataOfEveryTypeAndMapsTensors() throws IOException {
        try (GgufFile f = GgufFile.open(sample())) {
            GgufMetadata md = f.metadata();
            assertThat(f.version()).isEqualTo(3);
            assertThat(md.getString("general.architecture")).isEqualTo("llama");
            assertThat(md.getInt("some.count")).isEqualTo(7);
            assertThat(md.getLong("some.big")).isEqualTo(1L << 40);
            assertThat(md.getFloat("some.ratio")).isEqualTo(0.25f);
            assertThat(md.getBool("some.flag", false)).isTrue();
            assertThat(md.getStrings("some.names")).containsExactly("a", "βγ", "");
            assertThat(md.getInts("some.ids")).containsExactly(3, -1, 5);
            assertThat(md.getFloats("some.scores")).containsExactly(1.5f, -2f);
            GgufTensor w = f.tensor("w");
            assertThat(w.type()).isEqualTo(GgmlType.F32);
            assertThat(w.rowLength()).isEqualTo(8);
            assertThat(w.rows()).isEqualTo(2);
            float[] row = new float[8];
            WeightMatrix.of(w).readRow(1, row, 0);
            assertThat(row).containsOnly(0.5f);
            assertThat(f.tensor("q").data().byteSize()).isEqualTo(34);
            assertThatThrownBy(() -> f.tensor("nope")).isInstanceOf(GgufFormatException.class).hasMessageContaining("missing tensor nope");
        }
    }

    @Test
    void truncatedFilesGiveAClearError() throws IOException {
        byte[] whole = Files.readAllBytes(sample());
        // The last tensor's 34 bytes are followed by 30 bytes of alignment padding: cut into the data itself.
        for (int len : new int[] {0, 3, 10, 30, 100, whole.length / 2, whole.length - 31}) {
            Path cut = dir.resolve("cut" + len + ".gguf");
            Files.write(cut, Arrays.copyOf(whole, len));
            assertThatThrownBy(() -> GgufFile.open(cut).close())
                    .as("truncated to %d bytes", len)
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageMatching("(?s).*(truncated|not a GGUF file|runs past the end|impossible).*");
        }
    }

    @Test
    void garbageIsNotAGgufFile() throws IOException {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        Path p = dir.resolve("junk.gguf");
        Files.write(p, junk);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(GgufFormatException.class).hasMessageContaining("not a GGUF file");
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("absent.gguf"))).isInstanceOf(GgufFormatException.class).hasMessageContaining("no such file");
    }

    /** Random corruption anywhere in the header either still parses or fails cleanly: no other exception, no hang. */
    @Test
    @Timeout(60)
    void corruptedHeadersFailCleanly() throws IOException {
        byte[] whole = Files.readAllBytes(sample());
        Random rnd = new Random(42);
        int clean = 0, rejected = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bad = whole.clone();
            for (int k = 0; k < 1 + rnd.nextInt(4); k++) bad[rnd.nextInt(400)] = (byte) rnd.nextInt(256);
            Path p = dir.resolve("bad.gguf");
            Files.write(p, bad);
            try (GgufFile f = GgufFile.open(p)) {
                f.metadata().asMap();
                clean++;
            } catch (GgufFormatException expected) {
                rejected++;
            }
        }
        assertThat(rejected).isPositive();
        assertThat(clean + rejected).isEqualTo(2000);
    }

    @Test
    void unsupportedTensorTypesAreNamed() throws IOException {
        Path p = dir.resolve("q5k.gguf");
        new GgufWriter().tensor("blk.0.ffn_up.weight", GgmlType.Q5_K, new long[] {256, 1}, new byte[176]).write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertThatThrownBy(() -> WeightMatrix.of(f.tensor("blk.0.ffn_up.weight")))
                    .isInstanceOf(UnsupportedTensorTypeException.class)
                    .hasMessageContaining("blk.0.ffn_up.weight").hasMessageContaining("Q5_K");
        }
    }

    @Test
    void versionsAndEndiannessAreChecked() throws IOException {
        byte[] whole = Files.readAllBytes(sample());
        Path p = dir.resolve("v.gguf");
        whole[4] = 1;
        Files.write(p, whole);
        assertThatThrownBy(() -> GgufFile.open(p)).hasMessageContaining("GGUF v1 is not supported");
        whole[4] = 0;
        whole[7] = 3;
        Files.write(p, whole);
        assertThatThrownBy(() -> GgufFile.open(p)).hasMessageContaining("big-endian");
    }
}
