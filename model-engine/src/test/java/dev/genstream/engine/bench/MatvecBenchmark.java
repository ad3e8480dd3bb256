package dev.genstream.engine.bench;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.kernels.Parallel;
import dev.genstream.engine.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One matrix-vector product (decode of a single token) per weight type. The shapes are Llama-3.2-1B's: 2048x2048
 * (attention Q and output), 8192x2048 (FFN gate and up), 2048x8192 (FFN down). Only 8192x2048 runs by default;
 * {@code -p shape=2048x2048,8192x2048,2048x8192} runs all three. GB/s = ops/s x the bytes printed in setup, which
 * the ":weightGB" row shows directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MatvecBenchmark {
    @Param({"F32", "BF16", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    public GgmlType type;

    @Param({"8192x2048"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private Parallel parallel;
    private WeightMatrix matrix;
    private float[] x;
    private float[] out;

    @Setup
    public void setup() {
        int[] rc = RandomMatrix.shape(shape);
        arena = Arena.ofShared();
        matrix = RandomMatrix.create(type, rc[0], rc[1], 42, arena);
        parallel = new Parallel(threads);
        x = RandomMatrix.vector(rc[1], 7);
        out = new float[rc[0]];
    }

    @TearDown
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matvec(Bandwidth bandwidth) {
        matrix.matmul(x, 1, out, parallel);
        bandwidth.weightGB += matrix.byteSize() * 1e-9;
        return out;
    }

    /** JMH divides the total by the measured time, so this reads as GB of weights per second (labelled ops/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bandwidth {
        public double weightGB;

        @Setup(Level.Iteration)
        public void reset() {
            weightGB = 0;
        }
    }
}
