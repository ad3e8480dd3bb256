package dev.genstream.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's own benchmarks, {@code llama-bench} and {@code llama-batched-bench}, run on bench's file with bench's
 * settings, one repetition right after each of ours so that both meet the machine in the same state. llama.cpp is
 * optional: only {@code bench --vs-llama-bench} runs it, and nothing else in genstream needs it.
 */
final class LlamaCppBench {
    static final String BENCH = "llama-bench";
    static final String BATCHED = "llama-batched-bench";

    /** What both sides measure: pp P, tg G, and G steps of B sequences, on T threads. */
    record Settings(Path model, int threads, int promptTokens, int genTokens, int batch) {}

    /** One repetition, in tok/s: prefill pp P, decode tg G, aggregate decode of B sequences (batched-bench's S_TG). */
    record Sample(double prefill, double decode, double batchDecode, String build) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path bench;
    private final Path batched;
    private final Settings settings;

    private LlamaCppBench(Path bench, Path batched, Settings settings) {
        this.bench = bench;
        this.batched = batched;
        this.settings = settings;
    }

    /** PATH is llama-bench itself or the directory holding it; llama-batched-bench must be beside it. */
    static LlamaCppBench locate(Path path, Settings settings) {
        Path bench = Files.isDirectory(path) ? path.resolve(BENCH) : path;
        requireExecutable(bench, "--vs-llama-bench " + path + ": no executable " + BENCH + (Files.isDirectory(path) ? " in that directory" : ""));
        Path batched = bench.toAbsolutePath().resolveSibling(BATCHED);
        requireExecutable(batched, "--vs-llama-bench " + path + ": no executable " + BATCHED + " beside " + bench.getFileName());
        return new LlamaCppBench(bench.toAbsolutePath(), batched, settings); // absolute: a bare name would be looked up on PATH
    }

    private static void requireExecutable(Path p, String message) {
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) throw new IllegalArgumentException(message);
    }

    Path bench() {
        return bench;
    }

    /** llama-bench, one repetition (it warms up itself): its pp P and tg G tests. */
    List<String> benchCommand() {
        Settings s = settings;
        return List.of(bench.toString(), "-m", s.model().toString(), "-p", String.valueOf(s.promptTokens()), "-n", String.valueOf(s.genTokens()),
                "-t", String.valueOf(s.threads()), "-r", "1", "-o", "json");
    }

    /** llama-batched-bench with B separate prompts of P tokens, then G steps of all B (its context holds them all). */
    List<String> batchedCommand() {
        Settings s = settings;
        int ctx = s.batch() * (s.promptTokens() + s.genTokens());
        return List.of(batched.toString(), "-m", s.model().toString(), "-c", String.valueOf(ctx), "-b", "2048", "-ub", "512",
                "-npp", String.valueOf(s.promptTokens()), "-ntg", String.valueOf(s.genTokens()), "-npl", String.valueOf(s.batch()),
                "-t", String.valueOf(s.threads()));
    }

    Sample runOnce() throws IOException, InterruptedException {
        Settings s = settings;
        String benchOut = run(benchCommand());
        double[] ppTg = parseBench(benchOut, s.promptTokens(), s.genTokens());
        double bt = parseBatched(run(batchedCommand()), s.promptTokens(), s.genTokens(), s.batch());
        return new Sample(ppTg[0], ppTg[1], bt, build(benchOut));
    }

    /** Stdout of a command; a failure is one line with the command's last line of stderr (llama.cpp's error). */
    private static String run(List<String> command) throws IOException, InterruptedException {
        String name = Path.of(command.get(0)).getFileName().toString();
        Path err = Files.createTempFile("genstream-llama-cpp", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage());
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            int exit = p.waitFor();
            if (exit != 0) {
                List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
                String last = lines.isEmpty() ? "no message" : lines.get(lines.size() - 1).strip();
                throw new IllegalStateException(name + " failed (exit " + exit + "): " + last);
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** llama-bench {@code -o json}: {prefill, decode} tok/s from its "pp P" (n_gen 0) and "tg G" (n_prompt 0) tests. */
    static double[] parseBench(String json, int promptTokens, int genTokens) {
        double pp = Double.NaN, tg = Double.NaN;
        for (JsonNode test : benchTests(json)) {
            int p = test.path("n_prompt").asInt(-1), g = test.path("n_gen").asInt(-1);
            double ts = test.path("avg_ts").asDouble(Double.NaN);
            if (p == promptTokens && g == 0) pp = ts;
            if (p == 0 && g == genTokens) tg = ts;
        }
        if (!(pp > 0) || !(tg > 0)) {
            throw new IllegalStateException(BENCH + " printed no pp" + promptTokens + " and tg" + genTokens + " results (avg_ts)");
        }
        return new double[] {pp, tg};
    }

    /** "build_commit (build_number)" of llama-bench's JSON, or "?" when absent. */
    static String build(String json) {
        JsonNode first = benchTests(json).get(0);
        return first.path("build_commit").asText("?") + " (b" + first.path("build_number").asText("?") + ")";
    }

    private static JsonNode benchTests(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(BENCH + " -o json printed something that is not JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isArray() || tree.isEmpty()) throw new IllegalStateException(BENCH + " -o json printed no tests");
        return tree;
    }

    /** llama-batched-bench's Markdown table: S_TG (B x TG / T_TG, aggregate decode tok/s) of the row PP, TG, B. */
    static double parseBatched(String stdout, int promptTokens, int genTokens, int batch) {
        List<String> header = null;
        for (String line : stdout.split("\\R")) {
            if (!line.startsWith("|")) continue;
            List<String> cells = cells(line);
            if (cells.contains("PP")) {
                header = cells;
            } else if (header != null && cells.size() == header.size() && cells.get(0).matches("\\d+")) {
                int pp = Integer.parseInt(cells.get(header.indexOf("PP"))), tg = Integer.parseInt(cells.get(header.indexOf("TG")));
                int b = Integer.parseInt(cells.get(header.indexOf("B")));
                int col = header.indexOf("S_TG t/s");
                if (pp == promptTokens && tg == genTokens && b == batch && col >= 0) return Double.parseDouble(cells.get(col));
            }
        }
        throw new IllegalStateException(BATCHED + " printed no row for PP " + promptTokens + ", TG " + genTokens + ", B " + batch + " with S_TG t/s");
    }

    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>(Arrays.asList(line.split("\\|")));
        cells.remove(0); // before the first bar
        return cells.stream().map(String::strip).toList();
    }
}
