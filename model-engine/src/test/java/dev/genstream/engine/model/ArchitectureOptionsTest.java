package dev.genstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.kernels.Parallel;
import dev.genstream.engine.testing.SharedData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The options the reference tests pass with are the ones that matter: without its sliding window a gemma's long
 * case leaves the tolerance exactly where the window starts to bite, and phi3's long LongRoPE factors (a context
 * past the original 4096) give other logits than llama.cpp's short ones at n_ctx 1024.
 */
class ArchitectureOptionsTest {
    static final double TOLERANCE = 0.02;

    @ParameterizedTest
    @ValueSource(strings = {"rand-gemma2", "rand-gemma3"})
    void withoutTheSlidingWindowTheLongCaseFailsPastTheWindow(String name) throws IOException {
        int[] ids = ArchitectureInvarianceTest.longIds(name);
        Npy.Array ref = Npy.read(SharedData.require("models/" + name + "/long.logits.npy"));
        try (GgufFile file = GgufFile.open(SharedData.require("models/" + name + "/" + name + ".f32.gguf"));
             Parallel parallel = new Parallel(2)) {
            ModelConfig c = ModelConfig.from(file);
            assertThat(c.slidingWindow()).isEqualTo(64);
            // a window longer than any input: local layers keep their RoPE base but see every key
            ModelConfig global = new ModelConfig(c.arch(), c.dim(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.ffnDim(),
                    c.vocabSize(), c.contextLength(), c.normEps(), c.ropeTheta(), c.ropeDim(), 1 << 20, c.ropeThetaLocal(),
                    c.ropeFreqScale(), c.ropeOriginalContext(), c.ropeAttnFactor(), c.attnSoftcap(), c.finalSoftcap(), c.attentionScale());
            Transformer tf = new Transformer(global, Weights.load(file, global), parallel, 1024);
            float[] ours = tf.forward(List.of(new Transformer.Step(tf.newCache(ids.length), ids, true)))[0];
            double within = maxDiff(ours, ref, 0, 64), beyond = maxDiff(ours, ref, 64, ids.length);
            System.out.printf("[window] %s without its window: max|diff| %.5f on positions < 64, %.5f after%n", name, within, beyond);
            assertThat(within).isLessThanOrEqualTo(TOLERANCE);
            assertThat(beyond).isGreaterThan(10 * TOLERANCE);
        }
    }

    @Test
    void phi3ContextsPastTheOriginalUseTheLongFactors() throws IOException {
        int[] ids = ArchitectureInvarianceTest.longIds("rand-phi3");
        Npy.Array ref = Npy.read(SharedData.require("models/rand-phi3/long.logits.npy"));
        for (int ctx : new int[] {4096, 4097}) {
            try (Model m = Model.load(SharedData.require("models/rand-phi3/rand-phi3.f32.gguf"), 2, ctx)) {
                float[] ours = m.transformer().forward(List.of(new Transformer.Step(m.transformer().newCache(ids.length), ids, true)))[0];
                double d = maxDiff(ours, ref, 0, ids.length);
                System.out.printf("[longrope] rand-phi3 at n_ctx %d: max|diff| %.5f vs llama.cpp at n_ctx 1024%n", ctx, d);
                if (ctx <= 4096) assertThat(d).isLessThanOrEqualTo(TOLERANCE);
                else assertThat(d).isGreaterThan(10 * TOLERANCE);
            }
        }
    }

    /**
     * A window layer's cache keeps a ring of what its queries can still see: after 345 tokens, gemma3's seven local
     * layers (il % 6 < 5 of 8) hold their last 64 positions each, the global one all 345 (in 512 slots); the logits stay those of one full
     * pass (ArchitectureInvarianceTest). Truncating further back than the ring holds is refused; within it, the re-run is exact.
     */
    @Test
    void slidingWindowLayersKeepOnlyARing() throws IOException {
        int[] ids = ArchitectureInvarianceTest.longIds("rand-gemma3");
        try (Model m = ArchitectureInvarianceTest.load("rand-gemma3", 2)) {
            Transformer tf = m.transformer();
            ModelConfig c = m.config();
            KvCache cache = tf.newCache(1024);
            for (int id : ids) tf.forward(List.of(new Transformer.Step(cache, new int[] {id})));
            long perPosition = 2L * c.kvDim() * Float.BYTES;
            assertThat(cache.bytes()).isEqualTo((7 * 64 + 512) * perPosition);
            System.out.printf("[window] rand-gemma3 KV after %d tokens: %d KB (every layer full: %d KB)%n",
                    ids.length, cache.bytes() / 1024, 8 * 512 * perPosition / 1024);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.truncate(100))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sliding window no longer holds position 37");
            cache.truncate(344);
            float[] again = tf.forward(List.of(new Transformer.Step(cache, new int[] {ids[344]}, true)))[0];
            float[] full = tf.forward(List.of(new Transformer.Step(tf.newCache(ids.length), ids, true)))[0];
            assertThat(again).isEqualTo(java.util.Arrays.copyOfRange(full, 344 * c.vocabSize(), 345 * c.vocabSize()));
        }
    }

    static double maxDiff(float[] ours, Npy.Array ref, int fromRow, int toRow) {
        double max = 0;
        for (int i = fromRow * ref.cols(); i < toRow * ref.cols(); i++) max = Math.max(max, Math.abs(ours[i] - ref.data()[i]));
        return max;
    }
}
