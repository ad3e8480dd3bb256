package dev.genstream.engine.bench;

import dev.genstream.engine.kernels.Ops;
import dev.genstream.engine.kernels.Rope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The per-token kernels besides matmul, at Llama-3.2-1B sizes, single-threaded. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OpsBenchmark {
    private static final int DIM = 2048, FFN = 8192, VOCAB = 128256, HEADS = 32, KV_HEADS = 8, HEAD_DIM = 64;

    private final Rope rope = new Rope(Rope.Layout.NORM, HEAD_DIM, 500000, null);
    private float[] x, w, normed, gate, gateSource, up, logits, logitsSource, q, k, cos, sin;
    private int pos;

    @Setup
    public void setup() {
        x = RandomMatrix.vector(DIM, 1);
        w = RandomMatrix.vector(DIM, 2);
        normed = new float[DIM];
        gateSource = RandomMatrix.vector(FFN, 3);
        gate = new float[FFN];
        up = RandomMatrix.vector(FFN, 4);
        logitsSource = RandomMatrix.vector(VOCAB, 5);
        logits = new float[VOCAB];
        q = RandomMatrix.vector(HEADS * HEAD_DIM, 6);
        k = RandomMatrix.vector(KV_HEADS * HEAD_DIM, 7);
        cos = new float[HEAD_DIM / 2];
        sin = new float[HEAD_DIM / 2];
    }

    @Benchmark
    public float[] rmsNorm() {
        Ops.rmsNorm(normed, 0, x, 0, w, DIM, 1e-5f);
        return normed;
    }

    /** Includes copying the 8192 inputs back: siluMul works in place, and repeated passes would drift to 0. */
    @Benchmark
    public float[] siluMul() {
        System.arraycopy(gateSource, 0, gate, 0, FFN);
        Ops.siluMul(gate, 0, up, 0, FFN);
        return gate;
    }

    /** The sampler's softmax over the whole vocabulary; includes the copy, as softmax works in place. */
    @Benchmark
    public float[] softmaxVocab() {
        System.arraycopy(logitsSource, 0, logits, 0, VOCAB);
        Ops.softmax(logits, 0, VOCAB);
        return logits;
    }

    /** One token's RoPE: angles for a new position, then every Q and K head rotated (rotation keeps values bounded). */
    @Benchmark
    public float[] rope() {
        rope.angles(pos++ & 8191, cos, sin);
        rope.apply(q, 0, HEADS, HEAD_DIM, cos, sin);
        rope.apply(k, 0, KV_HEADS, HEAD_DIM, cos, sin);
        return q;
    }
}
