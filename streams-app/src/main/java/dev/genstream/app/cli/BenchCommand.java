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
import java.util.List;
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
        "Each figure is the median of --repeat runs after one warm-up run.",
        "With --conversation: time to first token of the last turn of a conversation, prefix cache on vs off."})
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

    @Option(names = "--conversation", description = "Measure time to first token of turn --turns of a conversation with a --history-tokens history, prefix cache on vs off (answers of --gen-tokens)")
    boolean conversation;

    @Option(names = "--turns", paramLabel = "N", defaultValue = "6", description = "With --conversation: the turn to time (default: ${DEFAULT-VALUE})")
    int turns;

    @Option(names = "--history-tokens", paramLabel = "H", defaultValue = "1500", description = "With --conversation: tokens of the turns before it (default: ${DEFAULT-VALUE})")
    int historyTokens;

    @Option(names = "--prefix-cache-bytes", paramLabel = "B", defaultValue = "268435456", description = "With --conversation: the prefix cache's budget when on (default: ${DEFAULT-VALUE})")
    long prefixCacheBytes;

    @Option(names = "--vs-llama-bench", paramLabel = "PATH",
            description = "Also run llama.cpp's llama-bench and llama-batched-bench (PATH: llama-bench or its directory) on the same GGUF file after each run, and print the ratios and issue 16's targets")
    Path vsLlamaBench;

    private final SplittableRandom rnd = new SplittableRandom(1);

    @Override
    public Integer call() throws IOException, InterruptedException {
        for (var o : List.of(new Object[] {"--prompt-tokens", promptTokens}, new Object[] {"--gen-tokens", genTokens},
                new Object[] {"--batch", batch}, new Object[] {"--repeat", repeat}, new Object[] {"--membw-mb", membwMb})) {
            if ((int) o[1] < 1) throw new ParameterException(spec.commandLine(), o[0] + " must be at least 1, got " + o[1]);
        }
        Path path = model.path();
        if (conversation) {
            if (vsLlamaBench != null) throw new ParameterException(spec.commandLine(), "--vs-llama-bench does not apply to --conversation");
            return conversation(path);
        }
        LlamaCppBench llama = vsLlamaBench == null ? null : llamaCpp(path);
        try (Model m = context.load(model)) {
            int ctx = m.contextSize();
            if (promptTokens > ctx || genTokens > ctx) {
                throw new ParameterException(spec.commandLine(), "--prompt-tokens and --gen-tokens must fit the context size of " + ctx);
            }
            Transformer t = m.transformer();
            double[] pp = new double[repeat], tg = new double[repeat], bt = new double[repeat];
            Caches caches = new Caches(t, promptTokens, genTokens, batch);
            run(t, caches); // warm-up: JIT and page cache
            List<LlamaCppBench.Sample> theirs = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                double[] r = run(t, caches);
                pp[i] = r[0];
                tg[i] = r[1];
                bt[i] = r[2];
                if (llama != null) theirs.add(llama.runOnce());
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
            LlamaCppComparison vs = llama == null ? null : LlamaCppComparison.of(llamaSettings(path), llama.bench().toString(),
                    m.file().metadata().getInt("general.file_type", -1), pp, tg, bt, theirs, rss, size, caches.bytes());
            BenchResult res = new BenchResult(path.toString(), size, t.kvType().wireName(), model.threads(), promptTokens, genTokens, batch, pp, tg, bt, rss, caches.bytes(), bytesPerToken, bw, mk, vs);
            System.out.println(json ? res.json() : res.text());
        }
        return 0;
    }

    /** llama.cpp reads GGUF only, and the file as it is. */
    private LlamaCppBench llamaCpp(Path path) {
        if (!Files.isRegularFile(path) || model.quantize != null) {
            throw new ParameterException(spec.commandLine(), "--vs-llama-bench needs a GGUF file, as llama.cpp reads it (no directory, no --quantize)");
        }
        try {
            return LlamaCppBench.locate(vsLlamaBench, llamaSettings(path));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private LlamaCppBench.Settings llamaSettings(Path path) {
        return new LlamaCppBench.Settings(path, model.threads(), promptTokens, genTokens, batch);
    }

    private int conversation(Path path) throws InterruptedException {
        if (turns < 2) throw new ParameterException(spec.commandLine(), "--turns must be at least 2, got " + turns);
        if (historyTokens < 1) throw new ParameterException(spec.commandLine(), "--history-tokens must be at least 1, got " + historyTokens);
        if (prefixCacheBytes < 1) throw new ParameterException(spec.commandLine(), "--prefix-cache-bytes must be at least 1, got " + prefixCacheBytes);
        try (Model m = context.load(model)) {
            ConversationBench.Result r;
            try {
                r = new ConversationBench(m, turns, historyTokens, genTokens, repeat, prefixCacheBytes).run();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.println(json ? r.json(path.toString(), model.threads()) : r.text(path.toString(), model.threads()));
            return r.identical() ? 0 : 1;
        }
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
}
