package dev.genstream.app.cli;

import static dev.genstream.app.cli.CliContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench --vs-llama-bench without llama.cpp: the parsers read output captured from llama.cpp b4748's binaries (on the
 * bundled model: llama-bench -p 32 -n 16 -t 1 -r 1 -o json; llama-batched-bench -c 192 -npp 32 -ntg 16 -npl 4 -t 1),
 * and scripts printing that output stand in for the binaries.
 */
class LlamaCppBenchTest {
    private static final String BENCH_JSON = "llama-cpp/llama-bench-p32-n16-t1.json";
    private static final String BATCHED_MD = "llama-cpp/llama-batched-bench-npp32-ntg16-npl4-t1.txt";

    @TempDir
    Path dir;

    @Test
    void readsLlamaBenchJson() throws IOException {
        String json = resource(BENCH_JSON);
        assertThat(LlamaCppBench.parseBench(json, 32, 16)).containsExactly(6387.712596, 1780.241632);
        assertThat(LlamaCppBench.build(json)).isEqualTo("c392e5094 (b4748)");
        assertThatThrownBy(() -> LlamaCppBench.parseBench(json, 512, 16)).hasMessageContaining("no pp512 and tg16 results");
        assertThatThrownBy(() -> LlamaCppBench.parseBench("[\n", 32, 16)).hasMessageContaining("not JSON");
    }

    @Test
    void readsLlamaBatchedBenchTable() throws IOException {
        String md = resource(BATCHED_MD);
        assertThat(LlamaCppBench.parseBatched(md, 32, 16, 4)).isEqualTo(1781.74);
        assertThatThrownBy(() -> LlamaCppBench.parseBatched(md, 32, 16, 8)).hasMessageContaining("no row for PP 32, TG 16, B 8");
    }

    @Test
    void benchPrintsRatiosOfBothSidesWithTheSameSettings() throws IOException {
        Path bin = fakeLlamaCpp("cat " + copy(BENCH_JSON), "cat " + copy(BATCHED_MD));
        Run r = run("bench", "--model", BundledModel.path().toString(), "-t", "1", "--prompt-tokens", "32", "--gen-tokens", "16",
                "--batch", "4", "--repeat", "2", "--json", "--vs-llama-bench", bin.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out());
        JsonNode vs = o.get("vs_llama_cpp");
        assertThat(vs.get("llama_bench").asText()).isEqualTo(bin.resolve("llama-bench").toString());
        assertThat(vs.get("build").asText()).isEqualTo("c392e5094 (b4748)");
        assertThat(vs.get("runs").asInt()).isEqualTo(2);
        String[] ours = {"prefill_tok_s", "decode_tok_s", "batch_decode_tok_s"};
        double[] theirs = {6387.712596, 1780.241632, 1781.74};
        JsonNode measures = vs.get("measures");
        assertThat(measures).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode m = measures.get(i);
            double g = m.get("genstream_tok_s").asDouble(), l = m.get("llama_cpp_tok_s").asDouble();
            assertThat(g).as(ours[i]).isCloseTo(o.get(ours[i]).asDouble(), within(o.get(ours[i]).asDouble() * 1e-3));
            assertThat(l).isEqualTo(theirs[i]);
            assertThat(m.get("llama_cpp_runs")).hasSize(2);
            assertThat(m.get("ratio").asDouble()).isCloseTo(g / l, within(g / l * 1e-9));
        }
        assertThat(measures.get(0).get("measure").asText()).isEqualTo("prefill pp32");
        assertThat(measures.get(0).has("target")).isFalse(); // the target is for pp512
        assertThat(measures.get(1).get("target").asDouble()).isEqualTo(1.0); // a Q8_0 file's decode
        assertThat(measures.get(1).get("met").asBoolean()).isEqualTo(measures.get(1).get("ratio").asDouble() >= 1.0);
        long rss = o.get("peak_rss_bytes").asLong();
        assertThat(vs.get("peak_rss_target_bytes").asLong()).isEqualTo(o.get("file_bytes").asLong() + o.get("kv_cache_bytes").asLong() + 300_000_000L);
        assertThat(vs.get("peak_rss_met").asBoolean()).isEqualTo(rss <= vs.get("peak_rss_target_bytes").asLong());

        // each binary ran once per repetition, with bench's file, threads, prompt, generation and batch
        String model = BundledModel.path().toString();
        assertThat(Files.readAllLines(bin.resolve("llama-bench.args"))).containsExactly(
                "-m " + model + " -p 32 -n 16 -t 1 -r 1 -o json", "-m " + model + " -p 32 -n 16 -t 1 -r 1 -o json");
        assertThat(Files.readAllLines(bin.resolve("llama-batched-bench.args"))).hasSize(2).allSatisfy(a -> assertThat(a).isEqualTo(
                "-m " + model + " -c 192 -b 2048 -ub 512 -npp 32 -ntg 16 -npl 4 -t 1"));

        Run text = run("bench", "--model", model, "-t", "1", "--prompt-tokens", "32", "--gen-tokens", "16", "--batch", "4", "--repeat", "1",
                "--vs-llama-bench", bin.resolve("llama-bench").toString());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("| measure | genstream | llama.cpp | ratio | target |")
                .contains("| decode tg16 | ").contains(" | 1780.24 (1780.24-1780.24) | ")
                .contains("| aggregate decode, 4 sequences (batched-bench npp 32) | ").contains("(target at 8 sequences)")
                .containsPattern("peak RSS: \\d+ MB, target <= file \\+ KV cache \\+ 300 MB = \\d+ MB: (met|MISSED)");
    }

    /** llama-quantize's Q4_K_M (Q4_K with Q6_K for some tensors, file type 15): its decode target is 0.9x. */
    @Test
    void aQ4KMFileIsHeldToItsOwnDecodeTarget() throws IOException {
        Path q4km = SharedData.require("models/kjv-llama-6m/kjv-llama-6m.q4_k_m.gguf");
        Path bin = fakeLlamaCpp("cat " + copy(BENCH_JSON), "cat " + copy(BATCHED_MD));
        Run r = run("bench", "--model", q4km.toString(), "-t", "1", "--prompt-tokens", "32", "--gen-tokens", "16",
                "--batch", "4", "--repeat", "1", "--json", "--vs-llama-bench", bin.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode decode = new ObjectMapper().readTree(r.out()).get("vs_llama_cpp").get("measures").get(1);
        assertThat(decode.get("measure").asText()).isEqualTo("Q4_K_M decode tg16");
        assertThat(decode.get("target").asDouble()).isEqualTo(0.9);
        assertThat(decode.get("genstream_tok_s").asDouble()).isPositive();
    }

    @Test
    void aBadPathOrAFailingBinaryIsOneLine() throws IOException {
        String model = BundledModel.path().toString();
        Run missing = run("bench", "--model", model, "--repeat", "1", "--vs-llama-bench", dir.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("no executable llama-bench").doesNotContain("\n").doesNotContain("Exception");

        Path half = Files.createDirectories(dir.resolve("half"));
        script(half.resolve("llama-bench"), "true");
        Run noBatched = run("bench", "--model", model, "--repeat", "1", "--vs-llama-bench", half.toString());
        assertThat(noBatched.exit()).isEqualTo(2);
        assertThat(noBatched.err().strip()).contains("no executable llama-batched-bench beside llama-bench").doesNotContain("\n");

        Path failing = fakeLlamaCpp("echo '['; echo \"main: error: failed to load model 'x'\" >&2; exit 1", "true");
        Run fails = run("bench", "--model", model, "-t", "1", "--prompt-tokens", "8", "--gen-tokens", "4", "--batch", "2", "--repeat", "1",
                "--vs-llama-bench", failing.toString());
        assertThat(fails.exit()).isEqualTo(1);
        assertThat(fails.err().strip()).isEqualTo("genstream bench: llama-bench failed (exit 1): main: error: failed to load model 'x'");

        Run conv = run("bench", "--conversation", "--model", model, "--vs-llama-bench", failing.toString());
        assertThat(conv.exit()).isEqualTo(2);
        assertThat(conv.err()).contains("--vs-llama-bench does not apply to --conversation");
    }

    /** A directory with llama-bench and llama-batched-bench scripts that log their arguments and run the given lines. */
    private Path fakeLlamaCpp(String bench, String batched) throws IOException {
        Path bin = Files.createTempDirectory(dir, "bin");
        script(bin.resolve("llama-bench"), "echo \"$*\" >> " + bin.resolve("llama-bench.args") + "\n" + bench);
        script(bin.resolve("llama-batched-bench"), "echo \"$*\" >> " + bin.resolve("llama-batched-bench.args") + "\n" + batched);
        return bin;
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path copy(String name) throws IOException {
        Path p = dir.resolve(Path.of(name).getFileName());
        Files.writeString(p, resource(name));
        return p;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LlamaCppBenchTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
