package dev.genstream.app.cli;

import static dev.genstream.app.cli.CliContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --ctx-size as llama.cpp's -c: a 567-token input on models trained on 512 runs on a RoPE model (one warning line)
 * and is refused with one line where positions are a learned table of 512.
 */
class ContextSizeTest {
    @TempDir
    Path dir;

    /** The 345 ids of rand-qwen3's long case, then its first 222 again: 567 ids. */
    static int[] ids567() throws Exception {
        int[] first = Arrays.stream(Files.readString(SharedData.require("models/rand-qwen3/long.ids.txt")).trim().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
        return IntStream.range(0, 567).map(i -> first[i % first.length]).toArray();
    }

    static String csv(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void aRopeModelRunsPastItsTrainedContextWithOneWarning() throws Exception {
        String model = SharedData.require("models/rand-qwen3/rand-qwen3.f32.gguf").toString();
        Path out = dir.resolve("l.npy");
        String ids = csv(ids567());

        Run refused = run("logits", "--model", model, "--ids", ids, "--out", out.toString(), "-t", "1");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err().lines()).singleElement().asString().contains("567 ids exceed the context size of 512");

        Run r = run("logits", "--model", model, "--ctx-size", "1024", "--ids", ids, "--out", out.toString(), "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("warning:")))
                .containsExactly("warning: context size 1024 exceeds the 512 tokens this model was trained on; its output past them may degrade");
        Npy.Array got = Npy.read(out);
        assertThat(got.rows()).isEqualTo(567);
        // The first 345 positions are the long case, whose llama.cpp logits (at n_ctx 1024) are known.
        Npy.Array ref = Npy.read(SharedData.require("models/rand-qwen3/long.logits.npy"));
        double maxDiff = 0;
        for (int i = 0; i < ref.data().length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.data()[i] - ref.data()[i]));
        assertThat(maxDiff).isLessThanOrEqualTo(0.02);
    }

    /** phi3 is trained on 131072: the default of 4096 (llama.cpp's) keeps its short LongRoPE factors, as llama.cpp. */
    @Test
    void theDefaultContextIsTheTrainedOneAtMost4096() throws Exception {
        String model = SharedData.require("models/rand-phi3/rand-phi3.f32.gguf").toString();
        int[] ids = Arrays.stream(Files.readString(SharedData.require("models/rand-phi3/long.ids.txt")).trim().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
        Path out = dir.resolve("p.npy");
        Run r = run("logits", "--model", model, "--ids", csv(ids), "--out", out.toString(), "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning");
        Npy.Array got = Npy.read(out), ref = Npy.read(SharedData.require("models/rand-phi3/long.logits.npy"));
        double maxDiff = 0;
        for (int i = 0; i < ref.data().length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.data()[i] - ref.data()[i]));
        assertThat(maxDiff).isLessThanOrEqualTo(0.02);
    }

    @Test
    void learnedPositionsBeyondTheirTableAreRefusedWithOneLine() throws Exception {
        String model = SharedData.require("models/rand-gpt2/rand-gpt2.f32.gguf").toString();
        Path out = dir.resolve("g.npy");
        Run r = run("logits", "--model", model, "--ctx-size", "1024", "--ids", csv(ids567()), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString()
                .isEqualTo("genstream logits: --ctx-size 1024: context size 1024 exceeds the 512 learned positions of this gpt2 model"
                        + " (see: genstream logits --help)");
        assertThat(out).doesNotExist();
    }

    @Test
    void generateAndBenchTakeTheContextSizeToo() {
        String model = SharedData.require("models/rand-gpt2/rand-gpt2.f32.gguf").toString();
        Run gen = run("generate", "--model", model, "--ctx-size", "600", "-p", "In the beginning", "-n", "4");
        assertThat(gen.exit()).isEqualTo(2);
        assertThat(gen.err()).contains("--ctx-size 600: context size 600 exceeds the 512 learned positions");
        Run bench = run("bench", "--model", model, "--ctx-size", "32", "--prompt-tokens", "64", "--repeat", "1");
        assertThat(bench.exit()).isEqualTo(2);
        assertThat(bench.err()).contains("must fit the context size of 32");
        Run ok = run("generate", "--model", model, "--ctx-size", "16", "-p", "In the beginning", "-n", "30", "--temperature", "0");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("finish: length");
    }
}
