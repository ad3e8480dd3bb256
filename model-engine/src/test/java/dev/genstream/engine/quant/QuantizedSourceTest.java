package dev.genstream.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.kernels.WeightMatrix;
import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelConfig;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.testing.Reference;
import dev.genstream.engine.testing.SharedData;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quantizing the bf16 HF checkpoint at load gives llama-quantize's file block for block (so its accuracy is that
 * file's, which ReferenceLogitsTest bounds), and logits within shared/README.md's bounds for the type.
 */
class QuantizedSourceTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"Q8_0, q8_0, 0.35, 0.97", "Q4_0, q4_0, 3.0, 0.75"})
    void quantizingTheHfCheckpointAtLoadMatchesLlamaQuantize(GgmlType type, String file, double maxDiff, double minAgreement) {
        long t0 = System.nanoTime();
        try (TensorSource q = QuantizedSource.of(ModelFiles.open(SharedData.require("models/kjv-llama-6m/hf")), type);
             GgufFile gguf = GgufFile.open(SharedData.require("models/kjv-llama-6m/kjv-llama-6m." + file + ".gguf"))) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            ModelConfig c = ModelConfig.from(gguf);
            assertThat(q.tensors().keySet()).containsExactlyInAnyOrderElementsOf(gguf.tensors().keySet());
            for (GgufTensor theirs : gguf.tensors().values()) {
                GgufTensor ours = q.tensor(theirs.name());
                if (theirs.rows() == 1) { // norms: F32 in the GGUF, the same values in bf16 in the checkpoint
                    float[] a = new float[theirs.rowLength()], b = new float[theirs.rowLength()];
                    WeightMatrix.of(ours).readRow(0, a, 0);
                    WeightMatrix.of(theirs).readRow(0, b, 0);
                    assertThat(a).as(theirs.name()).containsExactly(b);
                    continue;
                }
                assertThat(ours.type()).as(theirs.name()).isEqualTo(theirs.type());
                assertThat(ours.dims()).as(theirs.name()).containsExactly(theirs.dims());
                boolean permuted = theirs.name().endsWith("attn_q.weight") || theirs.name().endsWith("attn_k.weight");
                long rowBytes = theirs.data().byteSize() / theirs.rows();
                for (int r = 0; r < theirs.rows(); r++) {
                    int hfRow = permuted ? hfRow(r, c.headDim()) : r;
                    long mismatch = ours.data().asSlice(hfRow * rowBytes, rowBytes).mismatch(theirs.data().asSlice(r * rowBytes, rowBytes));
                    assertThat(mismatch).as("%s row %d", theirs.name(), r).isEqualTo(-1);
                }
            }
            System.out.printf("[quantize] kjv-llama-6m/hf as %s: %.0f ms to open and quantize, identical to llama-quantize's %s%n",
                    type, loadMs, file);
        }
        try (Model m = Model.load(QuantizedSource.of(ModelFiles.open(SharedData.require("models/kjv-llama-6m/hf")), type), 2, 0)) {
            double worst = 0;
            int agree = 0, positions = 0;
            for (Reference.Case rc : Reference.cases(SharedData.require("models/kjv-llama-6m"))) {
                KvCache cache = m.transformer().newCache(rc.allIds().length);
                float[] ours = m.transformer().forward(List.of(new Transformer.Step(cache, rc.allIds(), true)))[0];
                Npy.Array ref = rc.logits();
                int vocab = m.config().vocabSize();
                for (int p = 0; p < ref.rows(); p++, positions++) {
                    for (int v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(ours[p * vocab + v] - ref.data()[p * vocab + v]));
                    agree += argmax(ours, p * vocab, vocab) == argmax(ref.data(), p * vocab, vocab) ? 1 : 0;
                }
            }
            System.out.printf("[quantize] kjv-llama-6m/hf as %s vs HF: max|diff| %.3f, argmax agreement %d/%d%n", type, worst, agree, positions);
            assertThat(worst).isLessThanOrEqualTo(maxDiff);
            assertThat((double) agree / positions).isGreaterThanOrEqualTo(minAgreement);
        }
    }

    /** llama.cpp's converter moves HF row (h, t, j) of a q/k head to (h, j, t): pairs instead of halves. */
    private static int hfRow(int ggufRow, int headDim) {
        int h = ggufRow / headDim, i = ggufRow % headDim;
        return h * headDim + (i % 2) * (headDim / 2) + i / 2;
    }

    private static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
        return best;
    }

    @ParameterizedTest
    @CsvSource({"Q4_K", "F16"})
    void otherTypesAreRefused(GgmlType type) {
        TensorSource source = ModelFiles.open(SharedData.require("models/rand-qwen2/hf"));
        try {
            assertThatThrownBy(() -> QuantizedSource.of(source, type)).hasMessageContaining("supports q8_0 and q4_0");
        } finally {
            source.close();
        }
    }
}
