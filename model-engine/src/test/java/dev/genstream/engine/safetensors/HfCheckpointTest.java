package dev.genstream.engine.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.testing.Reference;
import dev.genstream.engine.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint directories beyond the shared ones: F16 shards behind an index, broken files, fingerprints. */
class HfCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tensorsAreViewsOfTheMappedFileUnderGgufNames() {
        try (HfCheckpoint c = HfCheckpoint.open(SharedData.require("models/rand-qwen2/hf"));
             GgufFile g = GgufFile.open(SharedData.require("models/rand-qwen2/rand-qwen2.f32.gguf"))) {
            assertThat(c.tensors().keySet()).containsExactlyInAnyOrderElementsOf(g.tensors().keySet());
            for (var t : c.tensors().values()) {
                assertThat(t.dims()).as(t.name()).containsExactly(g.tensor(t.name()).dims());
                assertThat(t.data().isMapped()).as("%s is mapped", t.name()).isTrue();
                if (!t.name().startsWith("blk.0.attn_q") && !t.name().startsWith("blk.0.attn_k")) continue;
                assertThat(t.data().mismatch(g.tensor(t.name()).data())).as("%s: qwen2 is not permuted by llama.cpp", t.name()).isEqualTo(-1);
            }
            assertThat(c.files()).extracting(p -> p.getFileName().toString())
                    .containsExactly("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        }
    }

    /** rand-llama3's weights as F16 matrices in two shards behind model.safetensors.index.json. */
    @Test
    void shardedF16CheckpointMatchesTheReference(@TempDir Path dir) throws IOException {
        Path src = SharedData.require("models/rand-llama3/hf");
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) Files.copy(src.resolve(f), dir.resolve(f));
        Map<String, String> weightMap = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            Map<String, SafetensorsFile.Entry> all = SafetensorsFile.read(src.resolve("model.safetensors"), arena, JSON);
            List<Map<String, SafetensorsFile.Entry>> shards = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
            int i = 0;
            for (var e : all.entrySet()) shards.get(i++ % 2).put(e.getKey(), e.getValue());
            for (int s = 0; s < 2; s++) {
                String name = "model-0000" + (s + 1) + "-of-00002.safetensors";
                Files.write(dir.resolve(name), safetensors(shards.get(s), true));
                for (String t : shards.get(s).keySet()) weightMap.put(t, name);
            }
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata");
        weightMap.forEach(index.with("weight_map")::put);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());

        Reference.Case c = Reference.cases(SharedData.require("models/rand-llama3")).getFirst();
        Npy.Array ref = c.logits();
        try (Model m = Model.load(dir, 1)) {
            assertThat(m.file().tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.F16);
            assertThat(m.file().files()).hasSize(6);
            Transformer tf = m.transformer();
            KvCache cache = tf.newCache(c.allIds().length);
            float[] ours = tf.forward(List.of(new Transformer.Step(cache, c.allIds(), true)))[0];
            double worst = 0;
            for (int k = 0; k < ours.length; k++) worst = Math.max(worst, Math.abs(ours[k] - ref.data()[k]));
            System.out.printf("[hf] rand-llama3 as F16 shards: max|diff| %.5f vs the F32 reference%n", worst);
            assertThat(worst).isLessThan(0.02);
        }
        index.with("weight_map").put("model.layers.9.mlp.up_proj.weight", "model-00001-of-00002.safetensors");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        assertThatThrownBy(() -> HfCheckpoint.open(dir))
                .hasMessageContaining("puts model.layers.9.mlp.up_proj.weight in model-00001-of-00002.safetensors, which lacks it");
    }

    /** A safetensors file of the given entries; matrices as F16 when asked. */
    static byte[] safetensors(Map<String, SafetensorsFile.Entry> tensors, boolean matricesF16) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        List<byte[]> data = new ArrayList<>();
        long offset = 0;
        for (var e : tensors.values()) {
            byte[] bytes = e.data().toArray(ValueLayout.JAVA_BYTE);
            String dtype = e.type().name();
            if (matricesF16 && e.shape().length == 2 && e.type() == GgmlType.F32) {
                ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer out = ByteBuffer.allocate(bytes.length / 2).order(ByteOrder.LITTLE_ENDIAN);
                while (in.hasRemaining()) out.putShort(Float.floatToFloat16(in.getFloat()));
                bytes = out.array();
                dtype = "F16";
            }
            ObjectNode info = header.putObject(e.name());
            info.put("dtype", dtype);
            var shape = info.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            info.putArray("data_offsets").add(offset).add(offset + bytes.length);
            offset += bytes.length;
            data.add(bytes);
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        for (byte[] d : data) out.write(d);
        return out.toByteArray();
    }

    private static Path copyOf(String model, Path dir) throws IOException {
        Path src = SharedData.require("models/" + model + "/hf");
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    @Test
    void brokenCheckpointsFailWithOneClearLine(@TempDir Path dir) throws IOException {
        copyOf("rand-qwen2", dir);
        Path weights = dir.resolve("model.safetensors");
        byte[] full = Files.readAllBytes(weights);

        Files.write(weights, java.util.Arrays.copyOf(full, full.length - 100));
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("truncated");

        String header = new String(full, 8, (int) ByteBuffer.wrap(full, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(), StandardCharsets.UTF_8);
        byte[] i8 = full.clone();
        byte[] h = header.replaceFirst("\"F32\"", "\"I32\"").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(h, 0, i8, 8, h.length);
        Files.write(weights, i8);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).hasMessageContaining("dtype I32 (supported: F32, F16, BF16)");

        Files.write(weights, full);
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"qwen2\"", "\"mamba\""));
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).hasMessageContaining("model_type 'mamba' is not supported");

        copyConfig("rand-qwen2", dir);
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).hasMessageContaining("has no tokenizer.json");

        Files.delete(weights);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).hasMessageContaining("no model.safetensors or model.safetensors.index.json");
        assertThat(ModelFiles.missing(dir.resolve("nope"))).startsWith("model file not found");
        Files.delete(dir.resolve("config.json"));
        assertThat(ModelFiles.missing(dir)).contains("directory without config.json");
    }

    private static void copyConfig(String model, Path dir) throws IOException {
        Files.copy(SharedData.require("models/" + model + "/hf/config.json"), dir.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void untiedModelWithoutItsOutputMatrixIsRefused(@TempDir Path dir) throws IOException {
        copyOf("rand-llama3", dir);
        byte[] withoutOutput;
        try (Arena arena = Arena.ofConfined()) {
            Map<String, SafetensorsFile.Entry> all = new LinkedHashMap<>(SafetensorsFile.read(dir.resolve("model.safetensors"), arena, JSON));
            all.remove("lm_head.weight");
            withoutOutput = safetensors(all, false);
        }
        Files.write(dir.resolve("model.safetensors"), withoutOutput);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).hasMessageContaining("lm_head.weight is missing");
    }

    @Test
    void fingerprintCoversEveryFileOfADirectoryAndIsTheFileHashForAGguf(@TempDir Path dir) throws Exception {
        Path gguf = SharedData.require("models/rand-qwen2/rand-qwen2.f32.gguf");
        try (TensorSource g = GgufFile.open(gguf)) {
            String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(gguf)));
            assertThat(ModelFiles.fingerprint(g)).isEqualTo(plain);
        }
        copyOf("rand-qwen2", dir);
        String before = fingerprint(dir);
        assertThat(fingerprint(dir)).isEqualTo(before).hasSize(64);
        byte[] w = Files.readAllBytes(dir.resolve("model.safetensors"));
        w[w.length - 1] ^= 1;
        Files.write(dir.resolve("model.safetensors"), w);
        String weightChanged = fingerprint(dir);
        assertThat(weightChanged).isNotEqualTo(before);
        Files.writeString(dir.resolve("tokenizer_config.json"), Files.readString(dir.resolve("tokenizer_config.json")).replace("im_start", "im_begin"));
        assertThat(fingerprint(dir)).isNotEqualTo(weightChanged);
    }

    private static String fingerprint(Path dir) {
        try (TensorSource s = ModelFiles.open(dir)) {
            return ModelFiles.fingerprint(s);
        }
    }
}
