package dev.genstream.app.cli;

import static dev.genstream.app.cli.CliContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.app.streams.ModelService;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.testing.Reference;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model DIR} and {@code genstream.model.path=DIR}: an HF checkpoint directory wherever a GGUF file goes. */
class HfCheckpointCommandsTest {
    @TempDir
    Path dir;

    private static Path hf() {
        return SharedData.require("models/kjv-llama-6m/hf");
    }

    private static Reference.Case reference(int i) {
        return Reference.cases(SharedData.require("models/kjv-llama-6m")).get(i);
    }

    @Test
    void logitsOfADirectoryMatchTheReference() throws Exception {
        Reference.Case c = reference(0);
        Path out = dir.resolve("l.npy");
        String ids = Arrays.stream(c.allIds()).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Run r = run("logits", "--model", hf().toString(), "--ids", ids, "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Npy.Array ours = Npy.read(out), ref = c.logits();
        assertThat(ours.rows()).isEqualTo(ref.rows());
        double worst = 0;
        for (int i = 0; i < ref.data().length; i++) worst = Math.max(worst, Math.abs(ours.data()[i] - ref.data()[i]));
        assertThat(worst).isLessThanOrEqualTo(0.02);
    }

    @Test
    void tokenizeAndGreedyGenerateReadTheDirectory() throws Exception {
        Reference.Case c = reference(3); // 43 greedy steps before the first close call
        Path text = dir.resolve("t.txt");
        Files.writeString(text, c.prompt());
        Run tok = run("tokenize", "--model", hf().toString(), "--text-file", text.toString());
        assertThat(tok.out().strip()).isEqualTo(Arrays.stream(c.promptIds()).mapToObj(Integer::toString).collect(Collectors.joining(" ")));

        Run gen = run("generate", "--model", hf().toString(), "--prompt", c.prompt(), "-n", "40", "--temperature", "0", "--threads", "1");
        assertThat(gen.exit()).as(gen.err()).isZero();
        try (Model m = Model.load(hf(), 1)) {
            assertThat(gen.out().stripTrailing()).isEqualTo(m.tokenizer().decode(Arrays.copyOf(c.greedyIds(), 40)).stripTrailing());
        }
    }

    @Test
    void quantizeAtLoadKeepsTheTypesBounds() throws Exception {
        Reference.Case c = reference(1);
        Path out = dir.resolve("q.npy");
        String ids = Arrays.stream(c.allIds()).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Run r = run("logits", "--model", hf().toString(), "--quantize", "q8_0", "--ids", ids, "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("\\[quantize\\] hf to q8_0 at load in [0-9.]+ s");
        Npy.Array ours = Npy.read(out), ref = c.logits();
        double worst = 0;
        for (int i = 0; i < ref.data().length; i++) worst = Math.max(worst, Math.abs(ours.data()[i] - ref.data()[i]));
        assertThat(worst).isGreaterThan(0.001).isLessThanOrEqualTo(0.35); // quantized, and within Q8_0's bound

        Run bad = run("logits", "--model", hf().toString(), "--quantize", "q5_1", "--ids", "1", "--out", out.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--quantize must be q8_0 or q4_0").doesNotContain("\tat ");
        Run demo = run("demo", "--model", hf().toString(), "--quantize", "q8_0");
        assertThat(demo.exit()).isNotZero();
        assertThat(demo.err()).contains("--quantize is not available for demo");
    }

    @Test
    void aDirectoryThatIsNoCheckpointGetsOneLine() {
        Run r = run("generate", "--model", dir.toString(), "--prompt", "x");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("directory without config.json").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void theServiceServesADirectoryAndFingerprintsItsFiles() {
        GenstreamConfig c = GenstreamConfig.of(Map.of(GenstreamConfig.MODEL_PATH, hf().toString(), GenstreamConfig.THREADS, "1"), Map.of());
        try (ModelService service = ModelService.fromConfig(c)) {
            assertThat(service.model().config().arch().name()).isEqualTo("llama");
            assertThat(service.contextSize()).isEqualTo(1024);
            assertThat(service.fingerprint()).hasSize(64).isEqualTo(ModelFiles.fingerprint(service.model().file()));
            assertThat(service.model().file().files()).contains(hf().resolve("model.safetensors"), hf().resolve("tokenizer.json"));
        }
    }
}
