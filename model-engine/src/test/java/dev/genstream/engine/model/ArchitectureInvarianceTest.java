package dev.genstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The invariances the bundled llama model is held to (ThreadInvarianceTest, KvCacheConsistencyTest), for the
 * families with q/k norms, soft-caps, sliding windows, fused gate/up and LongRoPE: the long case (345 tokens, past
 * every window) gives bit-identical logits on 1, 2 and 3 threads, token by token as in one pass, and batched as alone.
 */
class ArchitectureInvarianceTest {
    static final int CONTEXT = 1024;

    static int[] longIds(String model) throws IOException {
        return Arrays.stream(Files.readString(SharedData.require("models/" + model + "/long.ids.txt")).trim().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
    }

    static Model load(String model, int threads) {
        return Model.load(SharedData.require("models/" + model + "/" + model + ".f32.gguf"), threads, CONTEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rand-qwen3", "rand-gemma2", "rand-gemma3", "rand-phi3"})
    void logitsDoNotDependOnTheThreadCount(String name) throws IOException {
        int[] ids = longIds(name);
        List<float[]> reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (Model m = load(name, threads)) {
                Transformer tf = m.transformer();
                List<float[]> got = new ArrayList<>();
                KvCache cache = tf.newCache(ids.length);
                got.add(tf.forward(List.of(new Transformer.Step(cache, Arrays.copyOf(ids, 200), true)))[0]);
                for (int p = 200; p < ids.length; p++) got.add(tf.forward(List.of(new Transformer.Step(cache, new int[] {ids[p]})))[0]);
                List<Transformer.Step> batch = new ArrayList<>();
                for (int s = 0; s < 5; s++) batch.add(new Transformer.Step(tf.newCache(32), Arrays.copyOfRange(ids, s, s + 3), s % 2 == 0));
                got.addAll(Arrays.asList(tf.forward(batch)));
                if (reference == null) reference = got;
                else for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).as("threads %d output %d", threads, i).isEqualTo(reference.get(i));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rand-qwen3", "rand-gemma2", "rand-gemma3", "rand-phi3"})
    void incrementalAndChunkedDecodingEqualOneFullPass(String name) throws IOException {
        int[] ids = longIds(name);
        try (Model m = load(name, 2)) {
            Transformer tf = m.transformer();
            int vocab = m.config().vocabSize();
            float[] full = tf.forward(List.of(new Transformer.Step(tf.newCache(ids.length), ids, true)))[0];
            KvCache cache = tf.newCache(ids.length);
            for (int p = 0; p < ids.length; p++) {
                float[] step = tf.forward(List.of(new Transformer.Step(cache, new int[] {ids[p]})))[0];
                assertThat(step).as("position %d", p).isEqualTo(Arrays.copyOfRange(full, p * vocab, (p + 1) * vocab));
            }
            KvCache chunked = tf.newCache(ids.length);
            int pos = 0;
            for (int chunk : new int[] {1, 7, 64, 13, 200, 60}) {
                int n = chunk;
                float[] got = tf.forward(List.of(new Transformer.Step(chunked, Arrays.copyOfRange(ids, pos, pos + n), true)))[0];
                assertThat(got).as("chunk at %d", pos).isEqualTo(Arrays.copyOfRange(full, pos * vocab, (pos + n) * vocab));
                pos += n;
            }
            assertThat(pos).isEqualTo(ids.length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rand-qwen3", "rand-gemma2", "rand-gemma3", "rand-phi3"})
    void batchedDecodingIsBitIdenticalToDecodingAlone(String name) throws IOException {
        int[] ids = longIds(name);
        try (Model m = load(name, 2)) {
            Transformer tf = m.transformer();
            int n = 6;
            List<KvCache> alone = new ArrayList<>(), together = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                // prompts of 60..110 tokens: some sequences cross the 64-token window while decoding, some do not
                int[] prompt = Arrays.copyOfRange(ids, 10 * s, 10 * s + 60 + 10 * s);
                KvCache a = tf.newCache(200), b = tf.newCache(200);
                alone.add(a);
                together.add(b);
                tf.forward(List.of(new Transformer.Step(a, prompt)));
                tf.forward(List.of(new Transformer.Step(b, prompt)));
            }
            for (int t = 0; t < 8; t++) {
                List<Transformer.Step> batch = new ArrayList<>();
                for (int s = 0; s < n; s++) batch.add(new Transformer.Step(together.get(s), new int[] {ids[200 + 7 * s + t]}));
                float[][] batched = tf.forward(batch);
                for (int s = 0; s < n; s++) {
                    float[] single = tf.forward(List.of(new Transformer.Step(alone.get(s), new int[] {ids[200 + 7 * s + t]})))[0];
                    assertThat(batched[s]).as("sequence %d step %d", s, t).isEqualTo(single);
                }
            }
        }
    }
}
