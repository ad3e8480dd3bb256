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
 * The 8192x2048 FFN matrix applied to n vectors at once (batched decode, or prefill when n = 128). The ":tokens"
 * row is vectors per second through this one matrix; its gain over n = 1 is what batching buys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MatmulBenchmark {
    private static final int ROWS = 8192, COLS = 2048;

    @Param({"Q8_0", "Q4_0", "F32"})
    public GgmlType type;

    @Param({"1", "4", "8", "16", "128"})
    public int n;

    @Param({"2"})
    public int threads;

    private Arena arena;
    private Parallel parallel;
    private WeightMatrix matrix;
    private float[] x;
    private float[] out;

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        matrix = RandomMatrix.create(type, ROWS, COLS, 42, arena);
        parallel = new Parallel(threads);
        x = RandomMatrix.vector(n * COLS, 7);
        out = new float[n * ROWS];
    }

    @TearDown
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul(Tokens tokens) {
        matrix.matmul(x, n, out, parallel);
        tokens.tokens += n;
        return out;
    }

    /** JMH divides the total by the measured time, so this reads as vectors per second (labelled ops/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }
}
