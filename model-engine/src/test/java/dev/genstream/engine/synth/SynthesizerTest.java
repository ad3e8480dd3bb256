package dev.genstream.engine.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelConfig;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.testing.BundledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presets are the real models' shapes; synthesized files load and run in the engine. */
class SynthesizerTest {
    @TempDir
    Path dir;

    static GgufMetadata vocab() {
        try (GgufFile f = GgufFile.open(BundledModel.path())) {
            return f.metadata();
        }
    }

    /** The published parameter counts of the three real models, from the tensor plans alone. */
    @Test
    void presetsHaveTheRealModelsParameterCounts() {
        assertThat(TensorSpec.parameters(TensorSpec.plan(Preset.LLAMA32_1B, GgmlType.Q8_0))).isEqualTo(1_235_814_400L);
        assertThat(TensorSpec.parameters(TensorSpec.plan(Preset.QWEN25_05B, GgmlType.Q8_0))).isEqualTo(494_032_768L);
        assertThat(TensorSpec.parameters(TensorSpec.plan(Preset.SMOLLM2_135M, GgmlType.Q8_0))).isEqualTo(134_515_008L);
        assertThat(TensorSpec.plan(Preset.LLAMA32_1B, GgmlType.Q8_0)).hasSize(1 + 1 + 16 * 9 + 1)
                .noneMatch(t -> t.name().equals("output.weight"));
        assertThat(TensorSpec.plan(Preset.QWEN25_05B, GgmlType.Q8_0)).filteredOn(t -> t.name().endsWith(".bias")).hasSize(24 * 3);
        assertThat(TensorSpec.parameters(TensorSpec.plan(Preset.QWEN3_06B, GgmlType.Q8_0))).isEqualTo(596_049_920L);
        assertThat(TensorSpec.parameters(TensorSpec.plan(Preset.GEMMA3_1B, GgmlType.Q8_0))).isEqualTo(999_885_952L);
        assertThat(TensorSpec.parameters(TensorSpec.plan(Preset.PHI4_MINI, GgmlType.Q8_0))).isEqualTo(3_836_021_760L);
        assertThat(TensorSpec.plan(Preset.PHI4_MINI, GgmlType.Q8_0)).extracting(TensorSpec::name)
                .contains("blk.0.attn_qkv.weight", "rope_factors_long.weight", "rope_factors_short.weight")
                .doesNotContain("blk.0.ffn_gate.weight", "blk.0.attn_q.weight");
    }

    /** The new families in small shapes: their options reach the engine's config, and they run past the window. */
    @Test
    void smallQwen3Gemma3AndPhi3LoadAndRun() throws IOException {
        Preset qwen3 = new Preset("qwen3-small", "qwen3", 256, 2, 4, 2, 512, 4200, 256, 1000000f, 1e-6f, 128, false, null,
                128, true, false, 0, 1000000f, 0);
        Preset gemma3 = new Preset("gemma3-small", "gemma3", 256, 7, 4, 1, 512, 4200, 256, 1000000f, 1e-6f, 128, false, null,
                128, true, true, 16, 10000f, 0);
        Preset phi3 = new Preset("phi3-small", "phi3", 256, 2, 4, 2, 512, 4200, 8192, 10000f, 1e-5f, 64, false, null,
                48, false, false, 0, 10000f, 256);
        for (Preset p : List.of(qwen3, gemma3, phi3)) {
            Path file = dir.resolve(p.name() + ".gguf");
            Synthesizer.writer(p, GgmlType.Q8_0, 5, vocab()).write(file);
            try (Model m = Model.load(file, 1, 256)) {
                ModelConfig c = m.config();
                assertThat(c.arch().name()).isEqualTo(p.arch());
                assertThat(c.headDim()).isEqualTo(p.headDim());
                assertThat(c.ropeDim()).isEqualTo(p.ropeDim());
                assertThat(c.slidingWindow()).isEqualTo(p.slidingWindow());
                assertThat(c.ropeThetaLocal()).isEqualTo(p.ropeThetaLocal());
                assertThat(c.ropeOriginalContext()).isEqualTo(p.longRope());
                if (p.longRope() > 0) assertThat(c.ropeAttnFactor()).isCloseTo((float) Math.sqrt(1 + Math.log(32) / Math.log(256)), org.assertj.core.data.Offset.offset(1e-6f));
                int[] ids = new int[40];
                for (int i = 0; i < ids.length; i++) ids[i] = (i * 97 + 5) % 4200;
                float[] logits = forward(m, ids);
                assertThat(logits).hasSize(4200);
                for (float v : logits) assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    /** Rows that are not whole 256-blocks fall back from K-quants; everything else keeps the requested type. */
    @Test
    void kQuantRowsThatDoNotFitFallBack() {
        Map<String, GgmlType> smol = TensorSpec.plan(Preset.SMOLLM2_135M, GgmlType.Q4_K).stream()
                .collect(Collectors.toMap(TensorSpec::name, TensorSpec::type));
        assertThat(smol.get("blk.0.attn_q.weight")).isEqualTo(GgmlType.Q4_0);      // rows of 576
        assertThat(smol.get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.Q4_K);    // rows of 1536
        assertThat(smol.get("blk.0.attn_norm.weight")).isEqualTo(GgmlType.F32);
        assertThat(TensorSpec.plan(Preset.QWEN25_05B, GgmlType.Q6_K)).filteredOn(t -> t.name().equals("token_embd.weight"))
                .singleElement().extracting(TensorSpec::type).isEqualTo(GgmlType.Q8_0); // rows of 896
        assertThat(TensorSpec.plan(Preset.LLAMA32_1B, GgmlType.Q4_K)).filteredOn(t -> t.fill() == TensorSpec.Fill.WEIGHT)
                .allMatch(t -> t.type() == GgmlType.Q4_K);
    }

    /** Llama 3.2's rope_freqs: high frequencies kept, low ones slowed 32x, a smooth band between. */
    @Test
    void llama3RopeFactorsSpanOneToTheScalingFactor() {
        float[] f = Preset.LLAMA32_1B.ropeScaling().freqFactors(64, 500000f);
        assertThat(f).hasSize(32);
        assertThat(f[0]).isEqualTo(1f);
        assertThat(f[31]).isEqualTo(32f);
        for (int i = 1; i < f.length; i++) assertThat(f[i]).isGreaterThanOrEqualTo(f[i - 1]);
        int blended = 0;
        for (float v : f) blended += v > 1f && v < 32f ? 1 : 0;
        assertThat(blended).isPositive();
    }

    /** A qwen2-shaped small preset: biases present, NEOX RoPE, tied output; loads and gives finite logits. */
    @Test
    void aSmallQwen2LoadsAndRuns() throws IOException {
        Preset p = new Preset("qwen-small", "qwen2", 256, 2, 4, 2, 512, 4200, 256, 1000000f, 1e-6f, true, null);
        Path file = dir.resolve("q.gguf");
        Synthesizer.writer(p, GgmlType.Q8_0, 3, vocab()).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.hasTensor("blk.1.attn_v.bias")).isTrue();
            assertThat(f.hasTensor("output.weight")).isFalse();
            GgufTensor embd = f.tensor("token_embd.weight");
            assertThat(embd.type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.metadata().get("qwen2.block_count")).as("uint32, as llama.cpp requires").isEqualTo(2L);
            assertThat(f.metadata().get("general.file_type")).isEqualTo(7L);
        }
        try (Model m = Model.load(file, 1)) {
            ModelConfig c = m.config();
            assertThat(c.arch().name()).isEqualTo("qwen2");
            assertThat(c.vocabSize()).isEqualTo(4200).isEqualTo(m.tokenizer().vocabSize());
            assertThat(c.normEps()).isEqualTo(1e-6f);
            float[] logits = forward(m, new int[] {3440, 261, 2078, 4199});
            assertThat(logits).hasSize(4200);
            for (float v : logits) assertThat(Float.isFinite(v)).isTrue();
        }
    }

    /** Weights depend on (seed, tensor, row) only: the same seed writes the same bytes, another seed other bytes. */
    @Test
    void theSeedAloneDecidesTheWeights() throws IOException {
        Path a = dir.resolve("a.gguf"), b = dir.resolve("b.gguf"), c = dir.resolve("c.gguf");
        Synthesizer.writer(Preset.TINY, GgmlType.Q4_K, 1, vocab()).write(a);
        Synthesizer.writer(Preset.TINY, GgmlType.Q4_K, 1, vocab()).write(b);
        Synthesizer.writer(Preset.TINY, GgmlType.Q4_K, 2, vocab()).write(c);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1);
    }

    static float[] forward(Model m, int[] ids) {
        Transformer tf = m.transformer();
        KvCache cache = tf.newCache(ids.length);
        return tf.forward(List.of(new Transformer.Step(cache, ids)))[0];
    }
}
