package dev.genstream.engine.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The machine's memory read bandwidth as the kernels see it: threads sum disjoint parts of an off-heap buffer much
 * larger than the caches, with the same Vector API loads the matmul uses.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    /** Median bytes per second over {@code passes} full reads of a {@code bytes}-sized buffer, after one warm-up pass. */
    public static double measure(Parallel parallel, long bytes, int passes) {
        long size = bytes / 1024 * 1024;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(size, 64);
            buf.fill((byte) 1);
            float[] sink = new float[parallel.threads()];
            double[] rates = new double[passes];
            read(parallel, buf, sink);
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                read(parallel, buf, sink);
                rates[p] = size / ((System.nanoTime() - t0) / 1e9);
            }
            java.util.Arrays.sort(rates);
            if (Float.isNaN(sink[0])) throw new IllegalStateException(); // keeps the sums alive
            return rates[passes / 2];
        }
    }

    private static void read(Parallel parallel, MemorySegment buf, float[] sink) {
        int chunks = parallel.threads();
        long per = buf.byteSize() / chunks / 1024 * 1024;
        parallel.forRange(chunks, (from, to) -> {
            for (int c = from; c < to; c++) sink[c] = sum(buf, c * per, c == chunks - 1 ? buf.byteSize() : (c + 1) * per);
        });
    }

    private static float sum(MemorySegment buf, long from, long to) {
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
        for (long o = from; o < to; o += 128) {
            a0 = a0.add(FloatVector.fromMemorySegment(Vec.F, buf, o, Vec.LE));
            a1 = a1.add(FloatVector.fromMemorySegment(Vec.F, buf, o + 32, Vec.LE));
            a2 = a2.add(FloatVector.fromMemorySegment(Vec.F, buf, o + 64, Vec.LE));
            a3 = a3.add(FloatVector.fromMemorySegment(Vec.F, buf, o + 96, Vec.LE));
        }
        float[] lanes = new float[Vec.LANES];
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        return Vec.sum(lanes, 0);
    }
}
