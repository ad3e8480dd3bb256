package dev.genstream.engine.bench;

import dev.genstream.engine.kernels.Attention;
import dev.genstream.engine.kernels.Ops;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decode row's attention in one layer at Llama-3.2-1B's shape (32 heads over 8 KV heads of 64), single-threaded:
 * scores from tiled keys ({@link Attention}) against the per-position loop they replaced ({@link Ops#dot} per key,
 * keys position-major), alone and with the softmax and the value sum ({@link Ops#axpy} per position) both share.
 * Both give the same bits (AttentionTest); this says what it costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AttentionBenchmark {
    private static final int HEADS = 32, KV_HEADS = 8, HEAD_DIM = 64, KV_DIM = KV_HEADS * HEAD_DIM;
    private static final float SCALE = 0.125f;

    @Param({"512", "4096"})
    public int context;

    @Param({"f32", "f16"})
    public String kv;

    private float[] q, out, scores, weights, keys, values, tiledKeys;
    private short[] keys16, values16, tiledKeys16;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(11);
        q = RandomMatrix.vector(HEADS * HEAD_DIM, 12);
        out = new float[HEADS * HEAD_DIM];
        scores = new float[context];
        weights = RandomMatrix.vector(context, 13);
        Ops.softmax(weights, 0, context);
        int n = context * KV_DIM;
        keys = new float[n];
        values = new float[n];
        tiledKeys = new float[n];
        keys16 = new short[n];
        values16 = new short[n];
        tiledKeys16 = new short[n];
        for (int s = 0; s < context; s++) {
            int at = Attention.keyIndex(s, KV_DIM), stride = Attention.keyStride(s, context);
            for (int i = 0; i < KV_DIM; i++) {
                float k = (float) rnd.nextGaussian(), v = (float) rnd.nextGaussian();
                keys[s * KV_DIM + i] = tiledKeys[at + i * stride] = k;
                values[s * KV_DIM + i] = v;
                keys16[s * KV_DIM + i] = tiledKeys16[at + i * stride] = Float.floatToFloat16(k);
                values16[s * KV_DIM + i] = Float.floatToFloat16(v);
            }
        }
    }

    @Benchmark
    public float[] tiled() {
        boolean f16 = kv.equals("f16");
        for (int h = 0; h < HEADS; h++) {
            int kvOff = h / (HEADS / KV_HEADS) * HEAD_DIM, qOff = h * HEAD_DIM;
            if (f16) Attention.scores(q, qOff, tiledKeys16, context, KV_DIM, kvOff, HEAD_DIM, 0, context, SCALE, scores);
            else Attention.scores(q, qOff, tiledKeys, context, KV_DIM, kvOff, HEAD_DIM, 0, context, SCALE, scores);
            Ops.softmax(scores, 0, context);
            java.util.Arrays.fill(out, qOff, qOff + HEAD_DIM, 0f);
            for (int i = 0; i < context; i++) {
                if (f16) Ops.axpyF16(scores[i], values16, i * KV_DIM + kvOff, out, qOff, HEAD_DIM);
                else Ops.axpy(scores[i], values, i * KV_DIM + kvOff, out, qOff, HEAD_DIM);
            }
        }
        return out;
    }

    @Benchmark
    public float[] perPosition() {
        boolean f16 = kv.equals("f16");
        for (int h = 0; h < HEADS; h++) {
            int kvOff = h / (HEADS / KV_HEADS) * HEAD_DIM, qOff = h * HEAD_DIM;
            for (int i = 0; i < context; i++) {
                scores[i] = (f16 ? Ops.dotF16(q, qOff, keys16, i * KV_DIM + kvOff, HEAD_DIM)
                        : Ops.dot(q, qOff, keys, i * KV_DIM + kvOff, HEAD_DIM)) * SCALE;
            }
            Ops.softmax(scores, 0, context);
            java.util.Arrays.fill(out, qOff, qOff + HEAD_DIM, 0f);
            for (int i = 0; i < context; i++) {
                if (f16) Ops.axpyF16(scores[i], values16, i * KV_DIM + kvOff, out, qOff, HEAD_DIM);
                else Ops.axpy(scores[i], values, i * KV_DIM + kvOff, out, qOff, HEAD_DIM);
            }
        }
        return out;
    }

    /** The scores alone, tiled: what the key layout buys. */
    @Benchmark
    public float[] tiledScores() {
        boolean f16 = kv.equals("f16");
        for (int h = 0; h < HEADS; h++) {
            int kvOff = h / (HEADS / KV_HEADS) * HEAD_DIM, qOff = h * HEAD_DIM;
            if (f16) Attention.scores(q, qOff, tiledKeys16, context, KV_DIM, kvOff, HEAD_DIM, 0, context, SCALE, scores);
            else Attention.scores(q, qOff, tiledKeys, context, KV_DIM, kvOff, HEAD_DIM, 0, context, SCALE, scores);
        }
        return scores;
    }

    /** The scores alone, one Ops.dot per position. */
    @Benchmark
    public float[] perPositionScores() {
        boolean f16 = kv.equals("f16");
        for (int h = 0; h < HEADS; h++) {
            int kvOff = h / (HEADS / KV_HEADS) * HEAD_DIM, qOff = h * HEAD_DIM;
            for (int i = 0; i < context; i++) {
                scores[i] = (f16 ? Ops.dotF16(q, qOff, keys16, i * KV_DIM + kvOff, HEAD_DIM)
                        : Ops.dot(q, qOff, keys, i * KV_DIM + kvOff, HEAD_DIM)) * SCALE;
            }
        }
        return scores;
    }

    /** The softmax alone over one head's scores, 32 times (both variants run this same code). */
    @Benchmark
    public float[] softmax() {
        for (int h = 0; h < HEADS; h++) {
            System.arraycopy(weights, 0, scores, 0, context);
            Ops.softmax(scores, 0, context);
        }
        return scores;
    }
}
