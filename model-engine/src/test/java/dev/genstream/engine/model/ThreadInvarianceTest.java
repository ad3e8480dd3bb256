package dev.genstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.testing.BundledModel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same tokens give bit-identical logits on 1, 2 and 3 kernel threads: prefill, incremental decode and a batch,
 * with either KV cache type.
 */
class ThreadInvarianceTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(KvType.class)
    void logitsDoNotDependOnTheThreadCount(KvType kv) {
        List<float[]> reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (Model m = Model.load(BundledModel.path(), threads, 0, kv)) {
                List<float[]> got = run(m.transformer());
                if (reference == null) reference = got;
                else for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).as("threads %d output %d", threads, i).isEqualTo(reference.get(i));
            }
        }
    }

    private static List<float[]> run(Transformer tf) {
        List<float[]> out = new ArrayList<>();
        int[] prompt = new int[200];
        for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 37 + 11) % tf.config().vocabSize();
        KvCache cache = tf.newCache(400);
        out.add(tf.forward(List.of(new Transformer.Step(cache, prompt, true)))[0]);
        for (int t = 0; t < 150; t++) out.add(tf.forward(List.of(new Transformer.Step(cache, new int[] {(t * 13) % 4000})))[0]);
        List<Transformer.Step> batch = new ArrayList<>();
        for (int s = 0; s < 5; s++) batch.add(new Transformer.Step(tf.newCache(32), new int[] {s + 1, s + 2, s + 3}, s % 2 == 0));
        for (float[] l : tf.forward(batch)) out.add(l);
        return out;
    }
}
