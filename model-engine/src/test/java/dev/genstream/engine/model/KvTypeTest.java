package dev.genstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.io.Npy;
import dev.genstream.engine.kernels.Ops;
import dev.genstream.engine.testing.Reference;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An F16 KV cache: within the F32 bound of the references, half the bytes, and kernels equal to widening first. */
class KvTypeTest {
    record Target(String dir, String file, int contextSize) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Target> targets() {
        return Stream.of(new Target("kjv-llama-6m", "kjv-llama-6m.bf16.gguf", 0), new Target("rand-llama3", "rand-llama3.f32.gguf", 0),
                new Target("rand-qwen2", "rand-qwen2.f32.gguf", 0), new Target("rand-gpt2", "rand-gpt2.f32.gguf", 0),
                new Target("rand-gemma2", "rand-gemma2.f32.gguf", 1024), new Target("rand-phi3", "rand-phi3.f32.gguf", 1024));
    }

    /** Every reference case, teacher-forced through an F16 cache: max |logit diff| within F32's 0.02, argmax equal where clear. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void f16CacheStaysWithinTheF32BoundOfTheReferences(Target t) throws Exception {
        Path path = SharedData.require("models/" + t.dir() + "/" + t.file());
        List<Reference.Case> cases = Reference.cases(SharedData.require("models/" + t.dir()));
        double worst = 0, worstVsF32 = 0;
        int confident = 0, agree = 0;
        try (Model f16 = Model.load(path, 2, t.contextSize(), KvType.F16); Model f32 = Model.load(path, 2, t.contextSize(), KvType.F32)) {
            assertThat(f16.transformer().newCache(8).type()).isEqualTo(KvType.F16);
            int vocab = f16.config().vocabSize();
            for (Reference.Case c : cases) {
                Npy.Array ref = c.logits();
                float[] ours = ReferenceLogitsTest.teacherForced(f16, c.allIds());
                float[] full = ReferenceLogitsTest.teacherForced(f32, c.allIds());
                for (int p = 0; p < ref.rows(); p++) {
                    int off = p * vocab;
                    for (int v = 0; v < vocab; v++) {
                        worst = Math.max(worst, Math.abs(ours[off + v] - ref.data()[off + v]));
                        worstVsF32 = Math.max(worstVsF32, Math.abs(ours[off + v] - full[off + v]));
                    }
                    int top = ReferenceLogitsTest.argmax(ref.data(), off, vocab);
                    if (ReferenceLogitsTest.margin(ref.data(), off, vocab, top) > ReferenceLogitsTest.MARGIN) {
                        confident++;
                        agree += ReferenceLogitsTest.argmax(ours, off, vocab) == top ? 1 : 0;
                    }
                }
            }
            Path longIds = path.resolveSibling("long.ids.txt");
            if (Files.exists(longIds)) {
                int[] ids = Arrays.stream(Files.readString(longIds).trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
                Npy.Array ref = Npy.read(path.resolveSibling("long.logits.npy"));
                float[] ours = ReferenceLogitsTest.teacherForced(f16, ids);
                for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref.data()[i]));
            }
        }
        System.out.printf("[kv f16] %-24s max|diff| vs reference %.5f, vs F32 cache %.5f, argmax %d/%d where margin > %.2f%n",
                t, worst, worstVsF32, agree, confident, ReferenceLogitsTest.MARGIN);
        assertThat(worstVsF32).as("an F16 cache changes something").isPositive();
        assertThat(worst).as("max |logit diff| vs reference").isLessThanOrEqualTo(0.02);
        assertThat(agree).isEqualTo(confident);
    }

    @Test
    void f16KernelsEqualTheF32KernelsOnWidenedValues() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int n : new int[] {1, 7, 8, 17, 64, 128, 131}) {
            for (int trial = 0; trial < 50; trial++) {
                float[] a = new float[n + 3], y = new float[n + 2], y16 = new float[n + 2];
                short[] b = new short[n + 5];
                float[] bw = new float[n + 5];
                for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < b.length; i++) {
                    b[i] = Float.floatToFloat16((float) (rnd.nextGaussian() * 4));
                    bw[i] = Float.float16ToFloat(b[i]);
                }
                for (int i = 0; i < y.length; i++) y[i] = y16[i] = (float) rnd.nextGaussian();
                assertThat(Ops.dotF16(a, 3, b, 5, n)).isEqualTo(Ops.dot(a, 3, bw, 5, n));
                Ops.axpyF16(0.37f, b, 5, y16, 2, n);
                Ops.axpy(0.37f, bw, 5, y, 2, n);
                assertThat(y16).containsExactly(y);
            }
        }
    }

    @Test
    void anF16CacheTakesHalfTheBytes() {
        ModelConfig c;
        try (Model m = Model.load(dev.genstream.engine.testing.BundledModel.path(), 1)) {
            c = m.config();
        }
        KvCache f32 = new KvCache(c, 300, KvType.F32), f16 = new KvCache(c, 300, KvType.F16);
        assertThat(f16.bytes() * 2).isEqualTo(f32.bytes()).isEqualTo(2L * c.layers() * 256 * c.kvDim() * 4);
        assertThat(KvCache.bytes(c, 4096, KvType.F16)).isEqualTo(2L * c.layers() * 4096 * c.kvDim() * 2);
    }

    @Test
    void typesParseByName() {
        assertThat(KvType.parse("F16")).isEqualTo(KvType.F16);
        assertThat(KvType.parse("f32")).isEqualTo(KvType.F32);
        assertThatThrownBy(() -> KvType.parse("q8")).hasMessage("KV cache type must be f32 or f16, got 'q8'");
    }
}
