package dev.genstream.app.cli;

import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.generate.Sequence;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Sample prompts decoded together on the bundled model, printed live step by step, then a summary.
 * The streaming issue moves this onto an embedded Kafka broker; the engine side is what runs here.
 */
@Command(name = "demo", description = "Decode a handful of sample prompts together on the bundled model, printing tokens live.")
public final class DemoCommand implements Callable<Integer> {
    record Sample(String id, String prompt, SamplingParams params) {}

    static final List<Sample> SAMPLES = List.of(
            new Sample("r1", "In the beginning", SamplingParams.greedy()),
            new Sample("r2", "And the LORD said unto Moses,", SamplingParams.defaults().withSeed(7)),
            new Sample("r3", "Blessed are the", SamplingParams.defaults().withSeed(11)),
            new Sample("r4", "The LORD is my shepherd;", SamplingParams.greedy()),
            new Sample("r5", "And Jesus answered and said unto them,", SamplingParams.defaults().withSeed(3)));

    @Mixin
    ModelOptions model;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "48", description = "Tokens per request (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model m = model.load()) {
            Generator gen = new Generator(m, m.tokenizer(), m.config().contextLength());
            List<Sequence> seqs = new ArrayList<>();
            List<Consumer<TokenOutput>> listeners = new ArrayList<>();
            long start = System.nanoTime();
            long[] firstToken = new long[SAMPLES.size()];
            StringBuilder line = new StringBuilder();
            int[] tokens = {0};
            out.printf("genstream demo: %d requests on %s, decoded together (continuous batching)%n%n", SAMPLES.size(), model.path().getFileName());
            for (int i = 0; i < SAMPLES.size(); i++) {
                Sample s = SAMPLES.get(i);
                int k = i;
                seqs.add(gen.newSequence(m.tokenizer().encode(s.prompt(), true, true), new GenerationParams(s.params(), maxTokens, List.of())));
                listeners.add(t -> {
                    if (firstToken[k] == 0) firstToken[k] = System.nanoTime();
                    tokens[0]++;
                    line.append(line.isEmpty() ? "" : "  ").append(s.id()).append(':').append(quote(t.text()));
                    if (k == lastLive(seqs, k)) {
                        out.println(line);
                        line.setLength(0);
                    }
                });
            }
            gen.runBatch(seqs, listeners);
            if (!line.isEmpty()) out.println(line);
            double wall = (System.nanoTime() - start) / 1e9;

            out.println();
            double ttftSum = 0, ttftMax = 0;
            for (int i = 0; i < SAMPLES.size(); i++) {
                double ttft = (firstToken[i] - start) / 1e6;
                ttftSum += ttft;
                ttftMax = Math.max(ttftMax, ttft);
                Sequence s = seqs.get(i);
                out.printf("[%s] %s%s%n     (%d tokens, finish: %s)%n", SAMPLES.get(i).id(), SAMPLES.get(i).prompt(), s.text(),
                        s.generated(), s.finishReason().wireName());
            }
            out.printf("%nsummary: %d requests, %d tokens in %.2f s = %.1f tok/s aggregate; time to first token: mean %.0f ms, max %.0f ms%n",
                    SAMPLES.size(), tokens[0], wall, tokens[0] / wall, ttftSum / SAMPLES.size(), ttftMax);
        }
        return 0;
    }

    /** The index of the last still-running sequence at or after k's step, so one printed line holds one step. */
    private static int lastLive(List<Sequence> seqs, int k) {
        int last = k;
        for (int i = k + 1; i < seqs.size(); i++) if (!seqs.get(i).finished()) last = i;
        return last;
    }

    private static String quote(String s) {
        return '"' + s.replace("\n", "\\n") + '"';
    }
}
