package dev.genstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.io.Npy;
import dev.genstream.engine.testing.SharedData;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Past 500 tokens, where the sliding windows (64) have wrapped their rings many times: a 600-token input (the long
 * case, then its first 255 tokens again) in one pass matches llama.cpp's logits on the 345 positions it has
 * (causal: later tokens cannot change them), and decoding it in chunks through the ring caches, token by token at the
 * end, gives the one pass's logits bit for bit at all 600 positions.
 */
class LongContextTest {
    static final int LENGTH = 600;

    @ParameterizedTest
    @ValueSource(strings = {"rand-qwen3", "rand-gemma2", "rand-gemma3", "rand-phi3"})
    void sixHundredTokensMatchTheReferenceAndDecodeAsOnePass(String name) throws IOException {
        int[] longIds = ArchitectureInvarianceTest.longIds(name);
        int[] ids = new int[LENGTH];
        System.arraycopy(longIds, 0, ids, 0, longIds.length);
        System.arraycopy(longIds, 0, ids, longIds.length, LENGTH - longIds.length);
        Npy.Array ref = Npy.read(SharedData.require("models/" + name + "/long.logits.npy"));
        try (Model m = ArchitectureInvarianceTest.load(name, 2)) {
            Transformer tf = m.transformer();
            int vocab = m.config().vocabSize();
            float[] full = tf.forward(List.of(new Transformer.Step(tf.newCache(LENGTH), ids, true)))[0];
            double maxDiff = 0;
            for (int i = 0; i < longIds.length * vocab; i++) maxDiff = Math.max(maxDiff, Math.abs(full[i] - ref.data()[i]));
            System.out.printf("[long600] %-12s max|diff| %.5f on the %d reference positions of a %d-token pass%n", name, maxDiff, longIds.length, LENGTH);
            assertThat(maxDiff).isLessThanOrEqualTo(0.02);

            KvCache cache = tf.newCache(LENGTH);
            int pos = 0;
            for (int chunk : new int[] {100, 64, 200, 63, 130}) {
                float[] got = tf.forward(List.of(new Transformer.Step(cache, Arrays.copyOfRange(ids, pos, pos + chunk), true)))[0];
                assertThat(got).as("%s chunk at %d", name, pos).isEqualTo(Arrays.copyOfRange(full, pos * vocab, (pos + chunk) * vocab));
                pos += chunk;
            }
            for (; pos < LENGTH; pos++) {
                float[] got = tf.forward(List.of(new Transformer.Step(cache, new int[] {ids[pos]})))[0];
                assertThat(got).as("%s position %d", name, pos).isEqualTo(Arrays.copyOfRange(full, pos * vocab, (pos + 1) * vocab));
            }
            if (m.config().hasSlidingLayers()) assertThat(cache.bytes()).isLessThan(KvCache.bytes(m.config(), LENGTH, cache.type()));
        }
    }
}
