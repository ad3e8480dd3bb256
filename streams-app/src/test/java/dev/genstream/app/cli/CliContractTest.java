package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.Main;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.testing.BundledModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three engine commands' exact contracts, run in-process through Main on the bundled model. */
class CliContractTest {
    @TempDir
    Path dir;

    public record Run(int exit, String out, String err) {}

    public static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String model() {
        return BundledModel.path().toString();
    }

    @Test
    void everySubcommandExplainsItselfWithHelp() {
        for (String cmd : List.of("up", "demo", "run", "gateway", "produce", "batch", "replay", "tail", "generate", "logits", "tokenize", "detokenize",
                "bench", "synth", "schemas", "chat-template", "chat", "perplexity")) {
            Run r = run(cmd, "--help");
            assertThat(r.exit()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).startsWith("Usage: genstream " + cmd).contains("--help");
        }
    }

    @Test
    void generateStreamsTextAndEndsWithOneStatsLine() {
        Run r = run("generate", "--model", model(), "--prompt", "And the LORD said unto Moses,", "--max-tokens", "20", "--temperature", "0", "--threads", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isNotBlank();
        List<String> stats = r.err().lines().filter(l -> l.startsWith("[stats]")).toList();
        assertThat(stats).hasSize(1);
        assertThat(stats.get(0)).containsPattern("prompt tokens: \\d+, generated tokens: 20, prefill \\(incl. JVM warm-up\\): [0-9.]+ tok/s, decode: [0-9.]+ tok/s, finish: length");
        // Greedy output is the same every run, and equals the engine's own decoding of the same prompt.
        Run again = run("generate", "--model", model(), "--prompt", "And the LORD said unto Moses,", "-n", "20", "--temperature", "0");
        assertThat(again.out()).isEqualTo(r.out());
    }

    @Test
    void theSameSeedReproducesASampledGeneration() {
        String[] args = {"generate", "--model", model(), "--prompt", "In the beginning", "-n", "24", "--seed", "1234", "--temperature", "1.0"};
        Run a = run(args), b = run(args);
        assertThat(a.exit()).isZero();
        assertThat(b.out()).isEqualTo(a.out());
        assertThat(a.err()).contains("seed: 1234");
    }

    @Test
    void stopStringsEndGenerationAndAreNotPrinted() {
        Run free = run("generate", "--model", model(), "--prompt", "In the beginning", "-n", "30", "--temperature", "0");
        String text = free.out().stripTrailing();
        String stop = text.substring(text.indexOf(' ', 3), text.indexOf(' ', 3) + 4);
        Run stopped = run("generate", "--model", model(), "--prompt", "In the beginning", "-n", "30", "--temperature", "0", "--stop", stop);
        assertThat(stopped.out().stripTrailing()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(stopped.err()).contains("finish: stop");
    }

    @Test
    void logitsWritesTheTeacherForcedPassAsNpy() throws Exception {
        Path out = dir.resolve("out.npy");
        Run r = run("logits", "--model", model(), "--ids", "3440,261,2078", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Npy.Array a = Npy.read(out);
        assertThat(a.shape()).containsExactly(3, 4096);
        try (Model m = Model.load(BundledModel.path(), 1)) {
            Transformer tf = m.transformer();
            float[] expect = tf.forward(List.of(new Transformer.Step(tf.newCache(3), new int[] {3440, 261, 2078}, true)))[0];
            assertThat(a.data()).containsExactly(expect);
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(out), 10);
        assertThat(head[0]).isEqualTo((byte) 0x93);
        assertThat(new String(head, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(head[6]).isEqualTo((byte) 1);
    }

    @Test
    void tokenizePrintsIdsOnOneLine() throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "In the beginning");
        Run r = run("tokenize", "--model", model(), "--text-file", text.toString());
        assertThat(r.out()).isEqualTo("3440 261 2078" + System.lineSeparator());
        Run bos = run("tokenize", "--model", model(), "--text-file", text.toString(), "--add-bos");
        assertThat(bos.out()).isEqualTo("0 3440 261 2078" + System.lineSeparator());
        Files.writeString(text, "<|im_start|>user");
        assertThat(run("tokenize", "--model", model(), "--text-file", text.toString(), "--parse-special").out()).startsWith("1 ");
        assertThat(run("tokenize", "--model", model(), "--text-file", text.toString()).out()).doesNotStartWith("1 ");
    }

    @Test
    void badInputGetsOneLineAndANonZeroExit() throws Exception {
        Run missing = run("generate", "--model", dir.resolve("nope.gguf").toString(), "--prompt", "x");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("model file not found").doesNotContain("Exception").doesNotContain("\tat ");

        Path junk = dir.resolve("junk.gguf");
        Files.write(junk, new byte[100]);
        Run bad = run("logits", "--model", junk.toString(), "--ids", "1", "--out", dir.resolve("o.npy").toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().strip().lines().count()).isEqualTo(1);
        assertThat(bad.err()).contains("not a GGUF file");

        Run flag = run("generate", "--model", model(), "--prompt", "x", "--top-p", "0");
        assertThat(flag.exit()).isNotZero();
        assertThat(flag.err()).contains("--top-p must be in (0, 1]").doesNotContain("topP").doesNotContain("\tat ");

        Run ids = run("logits", "--model", model(), "--ids", "1,99999", "--out", dir.resolve("o.npy").toString());
        assertThat(ids.exit()).isNotZero();
        assertThat(ids.err()).contains("outside the vocabulary");
    }

    /** As {@link #run}, with {@code stdin} as standard input. */
    static Run runWithStdin(String stdin, String... args) {
        java.io.InputStream old = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void tokenizeTakesTextOrStdinAndDetokenizeInvertsIt() {
        assertThat(run("tokenize", "--model", model(), "--text", "In the beginning").out()).isEqualTo("3440 261 2078" + System.lineSeparator());
        assertThat(runWithStdin("In the beginning", "tokenize", "--model", model(), "--text-file", "-").out())
                .isEqualTo("3440 261 2078" + System.lineSeparator());
        assertThat(run("detokenize", "--model", model(), "--ids", "3440 261 2078").out()).isEqualTo("In the beginning");
        assertThat(run("detokenize", "--model", model(), "--ids", "3440,261,2078").out()).isEqualTo("In the beginning");
        Run bad = run("detokenize", "--model", model(), "--ids", "3440 99999");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--ids: 99999 is outside the vocabulary (0..4095)");
        Run both = run("tokenize", "--model", model(), "--text", "a", "--text-file", "-");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void generateReadsAPromptFileAndPrintsLogprobs() throws Exception {
        Path prompt = Files.writeString(dir.resolve("p.txt"), "And the LORD said unto Moses,");
        Run direct = run("generate", "--model", model(), "--prompt", "And the LORD said unto Moses,", "-n", "6", "--temperature", "0", "--threads", "1");
        Run fromFile = run("generate", "--model", model(), "--prompt-file", prompt.toString(), "-n", "6", "--temperature", "0", "--threads", "1",
                "--logprobs", "3");
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).isEqualTo(direct.out());
        List<String> lp = fromFile.err().lines().filter(l -> l.startsWith("[logprob] ")).toList();
        assertThat(lp).hasSize(6);
        // Greedy: the chosen token is the most likely, so it is also the first alternative, with the same logprob.
        assertThat(lp.get(0)).matches("\\[logprob\\] #0 \\d+ \".*\" -?[0-9.]+ \\| \".*\" -?[0-9.]+, \".*\" -?[0-9.]+, \".*\" -?[0-9.]+");
        String chosen = lp.get(0).split(" ")[4], firstAlt = lp.get(0).substring(lp.get(0).indexOf('|')).split(" ")[2].replace(",", "");
        assertThat(firstAlt).isEqualTo(chosen);
        Run stdin = runWithStdin("And the LORD said unto Moses,", "generate", "--model", model(), "--prompt-file", "-", "-n", "6", "--temperature", "0", "--threads", "1");
        assertThat(stdin.out()).isEqualTo(direct.out());
        Run tooMany = run("generate", "--model", model(), "--prompt", "x", "--logprobs", "99");
        assertThat(tooMany.err()).contains("--logprobs must be in [0, 20]");
    }

    @Test
    void threadsAboveTheCoreCountAreCappedWithAWarning() {
        int cores = Runtime.getRuntime().availableProcessors();
        Run r = run("generate", "--model", model(), "--prompt", "In the beginning", "-n", "2", "--threads", Integer.toString(cores + 7));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: --threads " + (cores + 7) + " is more than the " + cores + " core(s) here; using " + cores)
                .contains("threads: " + cores);
    }
}
