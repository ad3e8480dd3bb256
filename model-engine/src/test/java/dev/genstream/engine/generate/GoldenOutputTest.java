package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Pins the bundled model's output across machines, CPUs and JDK builds: for fixed prompts and seeds, the exact
 * prompt and generated token ids and a SHA-256 of the bits of every logit the forward pass produced. A single moved
 * bit anywhere (tokenizer, kernels, vector width, reduction order, sampler) fails it. The expected lines live in
 * {@code golden/kjv-llama-6m.q8_0.txt}; a failure prints the actual lines. Change that file only with a commit that
 * says why the bits moved.
 */
class GoldenOutputTest {
    static final String EXPECTED = "/golden/kjv-llama-6m.q8_0.txt";

    record Case(String name, String prompt, SamplingParams sampling, int maxTokens) {}

    static final List<Case> CASES = List.of(
            new Case("moses-greedy", "And the LORD said unto Moses,", SamplingParams.greedy(), 24),
            new Case("moses-seed42", "And the LORD said unto Moses,", SamplingParams.defaults().withSeed(42), 40),
            new Case("beginning-seed7-t1", "In the beginning", SamplingParams.defaults().withSeed(7).withTemperature(1.0), 24),
            new Case("chat-seed1-penalties", "<|im_start|>user\nWho was David?<|im_end|>\n<|im_start|>assistant\n",
                    SamplingParams.builder().seed(1).topK(0).topP(0.9).minP(0).repeatPenalty(1.1).presencePenalty(0.2).build(), 24),
            new Case("psalm-greedy", "The LORD is my shepherd; I shall not want. He maketh me to lie down", SamplingParams.greedy(), 16));

    @Test
    void tokensAndLogitBitsMatchTheCommittedGoldenFile() throws Exception {
        Map<String, String> actual;
        try (Model m = Model.load(BundledModel.path(), 2)) {
            actual = lines(m, false);
        }
        assertMatchesGolden(actual);
    }

    static void assertMatchesGolden(Map<String, String> actual) throws IOException {
        Map<String, String> expected = expected();
        String report = actual.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("\n"));
        assertThat(expected.keySet()).as("cases in %s; all actual lines:%n%s", EXPECTED, report).containsExactlyElementsOf(actual.keySet());
        for (Case c : CASES) {
            assertThat(actual.get(c.name())).as("golden case %s; all actual lines:%n%s", c.name(), report).isEqualTo(expected.get(c.name()));
        }
    }

    /**
     * Every case's line: alone one after another, or all together, one forward pass per step for the live ones (a
     * batch mix that changes as cases finish), which must not change a bit.
     */
    static Map<String, String> lines(Model m, boolean batched) throws NoSuchAlgorithmException {
        List<Run> runs = new ArrayList<>();
        for (Case c : CASES) runs.add(new Run(m, c));
        if (!batched) {
            for (Run r : runs) while (!r.seq.finished()) r.accept(m.transformer().forward(List.of(r.seq.step()))[0]);
        } else {
            List<Run> live = new ArrayList<>(runs);
            while (!live.isEmpty()) {
                float[][] logits = m.transformer().forward(live.stream().map(r -> r.seq.step()).toList());
                for (int i = 0; i < live.size(); i++) live.get(i).accept(logits[i]);
                live.removeIf(r -> r.seq.finished());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Run r : runs) out.put(r.c.name(), r.line());
        return out;
    }

    /** One case in progress: its sequence and the SHA-256 of its logits' little-endian float bits so far. */
    static final class Run {
        final Case c;
        final int[] prompt;
        final Sequence seq;
        final MessageDigest sha;
        final byte[] buf = new byte[4];

        Run(Model m, Case c) throws NoSuchAlgorithmException {
            this.c = c;
            this.prompt = m.tokenizer().encode(c.prompt(), true, true);
            this.seq = new Sequence(m.tokenizer(), prompt, new GenerationParams(c.sampling(), c.maxTokens(), List.of()), m.transformer().newCache(256));
            this.sha = MessageDigest.getInstance("SHA-256");
        }

        void accept(float[] logits) {
            for (float f : logits) {
                int bits = Float.floatToRawIntBits(f);
                buf[0] = (byte) bits;
                buf[1] = (byte) (bits >>> 8);
                buf[2] = (byte) (bits >>> 16);
                buf[3] = (byte) (bits >>> 24);
                sha.update(buf);
            }
            seq.accept(logits);
        }

        String line() {
            return "prompt=" + ids(prompt) + " tokens=" + ids(seq.generatedTokens()) + " finish=" + seq.finishReason().wireName()
                    + " logits=" + HexFormat.of().formatHex(sha.digest());
        }
    }

    static String ids(int[] ids) {
        return IntStream.of(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    static Map<String, String> expected() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = GoldenOutputTest.class.getResourceAsStream(EXPECTED)) {
            assertThat(in).as("resource %s", EXPECTED).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int sp = line.indexOf(' ');
                out.put(line.substring(0, sp), line.substring(sp + 1).strip());
            }
        }
        return out;
    }
}
