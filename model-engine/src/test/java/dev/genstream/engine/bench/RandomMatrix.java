package dev.genstream.engine.bench;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.kernels.WeightMatrix;
import dev.genstream.engine.quant.Quantizer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Seeded random weights, quantized into off-heap memory so kernels read them as they would a mapped file. */
final class RandomMatrix {
    private RandomMatrix() {}

    /** Parses "8192x2048" as {rows, cols}. */
    static int[] shape(String s) {
        String[] p = s.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    static WeightMatrix create(GgmlType type, int rows, int cols, long seed, Arena arena) {
        Quantizer q = Quantizer.of(type);
        int rowBytes = Math.toIntExact(type.bytesFor(cols));
        // 64-byte aligned, as GGUF tensor data is at least 32-byte aligned in the file.
        MemorySegment data = arena.allocate((long) rows * rowBytes, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] row = new float[cols];
        byte[] encoded = new byte[rowBytes];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) row[i] = 0.02f * (float) rnd.nextGaussian(); // a trained layer's scale
            q.quantize(row, 0, cols, encoded, 0);
            MemorySegment.copy(MemorySegment.ofArray(encoded), 0, data, (long) r * rowBytes, rowBytes);
        }
        String name = type + "_" + rows + "x" + cols;
        WeightMatrix m = WeightMatrix.of(new GgufTensor(name, type, new long[] {cols, rows}, data));
        // JMH forwards the fork's stdout, so this sits next to the result it explains.
        System.out.printf("%n# %s: %d bytes of weights per pass%n", m, m.byteSize());
        return m;
    }

    static float[] vector(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
