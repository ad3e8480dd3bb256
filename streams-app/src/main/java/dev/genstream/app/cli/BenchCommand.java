package dev.genstream.app.cli;

import dev.genstream.engine.kernels.MemoryBandwidth;
import dev.genstream.engine.kernels.Parallel;
import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", description = {
        "Measure prefill, single-stream decode and batched decode throughput, and peak RSS.",
        "Each figure is the median of --repeat runs after one warm-up run."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    ContextOptions context;

    @Option(names = "--prompt-tokens", paramLabel = "P", defaultValue = "128", description = "Prompt length for prefill (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--gen-tokens", paramLabel = "G", defaultValue = "64", description = "Decode steps per run (default: ${DEFAULT-VALUE})")
    int genTokens;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Sequences decoded together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "5", description = "Timed runs (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--json", description = "Print one JSON object instead of text")
    boolean json;

    @Option(names = "--membw", description = "Also measure memory read bandwidth and the fraction of it decode uses")
    boolean membw;

    @Option(names = "--membw-mb", paramLabel = "MB", defaultValue = "2048", description = "Buffer size for --membw (default: ${DEFAULT-VALUE})")
    int membwMb;

    @Option(names = "--mask", description = "Also measure the per-token cost of a JSON Schema grammar mask on this model's vocabulary, against the decode step")
    boolean mask;

    private final SplittableRandom rnd = new SplittableRandom(1);

    @Override
    public Integer call() throws IOException {
        for (var o : List.of(new Object[] {"--prompt-tokens", promptTokens}, new Object[] {"--gen-tokens", genTokens},
                new Object[] {"--batch", batch}, new Object[] {"--repeat", repeat}, new Object[] {"--membw-mb", membwMb})) {
            if ((int) o[1] < 1) throw new ParameterException(spec.commandLine(), o[0] + " must be at least 1, got " + o[1]);
        }
        Path path = model.path();
        try (Model m = context.load(model)) {
            int ctx = m.contextSize();
            if (promptTokens > ctx || genTokens > ctx) {
                throw new ParameterException(spec.commandLine(), "--prompt-tokens and --gen-tokens must fit the context size of " + ctx);
            }
            Transformer t = m.transformer();
            double[] pp = new double[repeat], tg = new double[repeat], bt = new double[repeat];
            Caches caches = new Caches(t, promptTokens, genTokens, batch);
            run(t, caches); // warm-up: JIT and page cache
            for (int i = 0; i < repeat; i++) {
                double[] r = run(t, caches);
                pp[i] = r[0];
                tg[i] = r[1];
                bt[i] = r[2];
            }
            long rss = peakRss();
            long bytesPerToken = t.weightBytesPerToken();
            double bw = 0;
            if (membw) {
                try (Parallel p = new Parallel(model.threads())) {
                    bw = MemoryBandwidth.measure(p, (long) membwMb << 20, 5);
                }
            }
            long size = 0;
            for (Path f : m.file().files()) size += Files.size(f);
            MaskBench.Result mk = mask ? MaskBench.measure(m.tokenizer(), repeat) : null;
            Result res = new Result(path.toString(), size, model.threads(), promptTokens, genTokens, batch, pp, tg, bt, rss, caches.bytes(), bytesPerToken, bw, mk);
            System.out.println(json ? res.json() : res.text());
        }
        return 0;
    }

    /**
     * The KV caches of one run (a prompt, one stream, a batch), allocated once and emptied before each run, so that
     * peak RSS measures one run's working set rather than earlier runs' caches awaiting a full collection.
     */
    private record Caches(KvCache prompt, List<KvCache> single, List<KvCache> batch) {
        Caches(Transformer t, int promptTokens, int genTokens, int batch) {
            this(t.newCache(promptTokens), List.of(t.newCache(genTokens)), allocate(t, genTokens, batch));
        }

        private static List<KvCache> allocate(Transformer t, int capacity, int n) {
            List<KvCache> caches = new ArrayList<>();
            for (int s = 0; s < n; s++) caches.add(t.newCache(capacity));
            return caches;
        }

        /** Bytes of all of them: they are held together. */
        long bytes() {
            return prompt.bytes() + single.get(0).bytes() + batch.stream().mapToLong(KvCache::bytes).sum();
        }
    }

    /** One run: {prefill, decode, batched decode} in tokens per second. */
    private double[] run(Transformer t, Caches caches) {
        int vocab = t.config().vocabSize();
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < promptTokens; i++) prompt[i] = rnd.nextInt(vocab);
        caches.prompt().truncate(0);
        long t0 = System.nanoTime();
        t.forward(List.of(new Transformer.Step(caches.prompt(), prompt)));
        double pp = promptTokens / seconds(t0);

        double tg = genTokens / decode(t, caches.single());
        double bt = (double) batch * genTokens / decode(t, caches.batch());
        return new double[] {pp, tg, bt};
    }

    /** Seconds for genTokens greedy steps of the given sequences, emptied first, decoded together. */
    private double decode(Transformer t, List<KvCache> caches) {
        int vocab = t.config().vocabSize();
        int n = caches.size();
        int[] next = new int[n];
        for (int s = 0; s < n; s++) {
            caches.get(s).truncate(0);
            next[s] = rnd.nextInt(vocab);
        }
        long t0 = System.nanoTime();
        for (int g = 0; g < genTokens; g++) {
            List<Transformer.Step> steps = new ArrayList<>(n);
            for (int s = 0; s < n; s++) steps.add(new Transformer.Step(caches.get(s), new int[] {next[s]}));
            float[][] logits = t.forward(steps);
            for (int s = 0; s < n; s++) next[s] = argmax(logits[s]);
        }
        return seconds(t0);
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** VmHWM: the process's peak resident set, in bytes (0 where /proc is absent). */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private record Result(String model, long fileBytes, int threads, int p, int g, int bsz, double[] pp, double[] tg, double[] bt,
                          long rss, long kvBytes, long bytesPerToken, double bw, MaskBench.Result mask) {
        /** The warm mask's mean per token over the single-stream decode step (1 / decode tok/s). */
        double maskFraction() {
            return mask.meanMs() / 1e3 * median(tg);
        }

        double fraction() {
            return bw > 0 ? bytesPerToken * median(tg) / bw : 0;
        }

        String text() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "model: %s (%.2f GB), threads: %d, medians of %d runs after a warm-up (min-max)%n",
                    model, fileBytes / 1e9, threads, pp.length));
            b.append(String.format(Locale.ROOT, "prefill pp%d: %.2f tok/s (%.2f-%.2f)%n", p, median(pp), min(pp), max(pp)));
            b.append(String.format(Locale.ROOT, "decode tg%d: %.2f tok/s (%.2f-%.2f)%n", g, median(tg), min(tg), max(tg)));
            b.append(String.format(Locale.ROOT, "batch %d decode: %.2f tok/s aggregate (%.2f-%.2f), %.2fx single-stream%n",
                    bsz, median(bt), min(bt), max(bt), median(bt) / median(tg)));
            b.append(String.format(Locale.ROOT, "peak RSS: %.0f MB (file %.0f MB + KV cache %.0f MB + %.0f MB)",
                    rss / 1e6, fileBytes / 1e6, kvBytes / 1e6, (rss - fileBytes - kvBytes) / 1e6));
            if (bw > 0) {
                b.append(String.format(Locale.ROOT, "%nmemory bandwidth: %.2f GB/s; decode reads %.0f MB/token = %.0f%% of it",
                        bw / 1e9, bytesPerToken / 1e6, 100 * fraction()));
            }
            if (mask != null) {
                b.append(String.format(Locale.ROOT, "%ngrammar mask (JSON Schema, vocab %d, %d tokens x %d passes): mean %.3f ms/token (median %.3f, max %.3f), first pass mean %.3f (builds the automaton); mean = %.2f%% of a decode step (%.1f ms)",
                        mask.vocab(), mask.steps(), pp.length, mask.meanMs(), mask.medianMs(), mask.maxMs(), mask.firstPassMs(), 100 * maskFraction(), 1e3 / median(tg)));
            }
            return b.toString();
        }

        String json() {
            StringBuilder b = new StringBuilder("{");
            b.append("\"model\":\"").append(model.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            b.append(",\"file_bytes\":").append(fileBytes).append(",\"threads\":").append(threads);
            b.append(",\"prompt_tokens\":").append(p).append(",\"gen_tokens\":").append(g).append(",\"batch\":").append(bsz);
            b.append(",\"runs\":").append(pp.length);
            field(b, "prefill_tok_s", median(pp)).append(",\"prefill_runs\":").append(arr(pp));
            field(b, "decode_tok_s", median(tg)).append(",\"decode_runs\":").append(arr(tg));
            field(b, "batch_decode_tok_s", median(bt)).append(",\"batch_decode_runs\":").append(arr(bt));
            field(b, "batch_speedup", median(bt) / median(tg));
            b.append(",\"peak_rss_bytes\":").append(rss).append(",\"kv_cache_bytes\":").append(kvBytes);
            b.append(",\"weight_bytes_per_token\":").append(bytesPerToken);
            if (bw > 0) field(field(b, "membw_bytes_s", bw), "decode_bw_fraction", fraction());
            if (mask != null) {
                field(field(field(field(b, "mask_ms_median", mask.medianMs()), "mask_ms_mean", mask.meanMs()), "mask_ms_max", mask.maxMs()), "mask_ms_first_pass", mask.firstPassMs());
                field(b, "mask_decode_fraction", maskFraction()).append(",\"mask_vocab\":").append(mask.vocab());
            }
            return b.append('}').toString();
        }
    }

    private static StringBuilder field(StringBuilder b, String name, double v) {
        return b.append(",\"").append(name).append("\":").append(String.format(Locale.ROOT, "%.4g", v));
    }

    private static String arr(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.4g", v[i]));
        return b.append(']').toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
