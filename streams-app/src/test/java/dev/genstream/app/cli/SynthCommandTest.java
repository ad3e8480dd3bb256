package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.generate.FinishReason;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelConfig;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.synth.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `genstream synth`: every type of the tiny preset loads back with the preset's shape and runs. */
class SynthCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_k", "q6_k"})
    void tinyOfEveryTypeLoadsMatchesThePresetAndGenerates(String type) throws IOException {
        Path out = dir.resolve("tiny-" + type + ".gguf");
        CliContractTest.Run r = CliContractTest.run("synth", "--preset", "tiny", "--type", type, "--out", out.toString(), "--seed", "7");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("[synth] tensor ")).hasSize(21).last().asString().startsWith("[synth] tensor 21/21 output_norm.weight");
        assertThat(lines.getLast()).startsWith("wrote " + out + ": tiny " + type + ", 2,295,040 parameters,").contains("MB in").endsWith("(seed 7)");

        GgmlType t = GgmlType.valueOf(type.toUpperCase(Locale.ROOT));
        try (GgufFile f = GgufFile.open(out)) {
            for (GgufTensor tensor : f.tensors().values()) {
                boolean matrix = tensor.dims().length == 2;
                assertThat(tensor.type()).as(tensor.name()).isEqualTo(matrix ? t : GgmlType.F32);
            }
            assertThat(f.hasTensor("output.weight")).isFalse();
            assertThat(f.hasTensor("rope_freqs.weight")).isTrue();
        }
        Preset p = Preset.TINY;
        try (Model m = Model.load(out, 2)) {
            ModelConfig c = m.config();
            assertThat(List.of(c.arch().name(), c.dim(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.ffnDim(), c.vocabSize(), c.contextLength()))
                    .containsExactly(p.arch(), p.dim(), p.layers(), p.heads(), p.kvHeads(), p.headDim(), p.ffnDim(), p.vocabSize(), p.contextLength());
            assertThat(c.ropeTheta()).isEqualTo(p.ropeTheta());
            assertThat(c.normEps()).isEqualTo(p.normEps());
            assertThat(m.tokenizer().vocabSize()).isEqualTo(c.vocabSize());
            assertThat(m.tokenizer().token(c.vocabSize() - 1)).isEqualTo("<|filler_255|>");

            Transformer tf = m.transformer();
            int[] prompt = m.tokenizer().encode("In the beginning God created");
            float[] logits = tf.forward(List.of(new Transformer.Step(tf.newCache(prompt.length), prompt, true)))[0];
            assertThat(logits).hasSize(prompt.length * c.vocabSize());
            for (float v : logits) assertThat(Float.isFinite(v)).as("finite logits").isTrue();

            Generator.Result g = new Generator(m, m.tokenizer(), 64).generate(prompt,
                    new GenerationParams(SamplingParams.greedy(), 6, List.of()), tok -> {});
            assertThat(g.tokens()).isNotEmpty();
            for (int id : g.tokens()) assertThat(id).isBetween(0, c.vocabSize() - 1);
            assertThat(g.finishReason()).isIn(FinishReason.LENGTH, FinishReason.EOS);
            if (g.finishReason() == FinishReason.LENGTH) assertThat(g.tokens()).hasSize(6);
        }
    }

    @Test
    void unknownPresetsAndTypesGetOneLine() {
        CliContractTest.Run preset = CliContractTest.run("synth", "--preset", "gpt5", "--type", "q8_0", "--out", dir.resolve("x.gguf").toString());
        assertThat(preset.exit()).isEqualTo(2);
        assertThat(preset.err()).contains("unknown preset 'gpt5'").contains("llama3.2-1b").doesNotContain("\tat ");
        CliContractTest.Run type = CliContractTest.run("synth", "--preset", "tiny", "--type", "q5_k", "--out", dir.resolve("x.gguf").toString());
        assertThat(type.exit()).isEqualTo(2);
        assertThat(type.err()).contains("unknown --type 'q5_k'");
        assertThat(dir.resolve("x.gguf")).doesNotExist();
    }

    /**
     * The writer streams: SmolLM2-135M in Q8_0 (a 144 MB file whose token embedding alone is 113 MB as floats)
     * is written by a child JVM limited to a 48 MB heap.
     */
    @Test
    void aRealSizePresetIsWrittenInASmallHeap() throws Exception {
        Path out = dir.resolve("smol.gguf");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx48m", "--add-modules", "jdk.incubator.vector",
                "-Dgenstream.home=" + System.getProperty("genstream.home", ".."),
                "-cp", System.getProperty("java.class.path"), "dev.genstream.app.Main",
                "synth", "--preset", "smollm2-135m", "--type", "q8_0", "--out", out.toString()));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertThat(proc.waitFor(300, TimeUnit.SECONDS)).as("finished").isTrue();
        String log = Files.readString(dir.resolve("log.txt"));
        assertThat(proc.exitValue()).as(log).isZero();
        assertThat(log).contains("wrote " + out + ": smollm2-135m q8_0, 134,515,008 parameters");
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.tensor("token_embd.weight").dims()).containsExactly(576, 49152);
            assertThat(f.tensors()).hasSize(1 + 30 * 9 + 1);
            assertThat(f.metadata().getStrings("tokenizer.ggml.tokens")).hasSize(49152);
        }
    }
}
