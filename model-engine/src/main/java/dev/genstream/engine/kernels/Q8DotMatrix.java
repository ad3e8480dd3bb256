package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A weight type multiplied against 8-bit quantized activations, as ggml multiplies Q8_0, Q4_0 and the K-quants: each input
 * vector is quantized once per matmul, on the calling thread, and every output is one integer-block dot product
 * in a fixed order, the same whether the vector came alone or in a batch.
 */
abstract sealed class Q8DotMatrix extends WeightMatrix permits BlockQ8Matrix, Q4_KMatrix, Q6_KMatrix {
    private static final ThreadLocal<Q8Activations> ACTIVATIONS = ThreadLocal.withInitial(Q8Activations::new);
    private static final ThreadLocal<byte[]> ROW = ThreadLocal.withInitial(() -> new byte[0]);

    /** This thread's buffer for one unpacked row: decode allocates nothing per tile. */
    static byte[] rowBuffer(int cols) {
        byte[] b = ROW.get();
        if (b.length < cols) ROW.set(b = new byte[cols]);
        return b;
    }

    /** Bytes of one row in the file. */
    private final long rowBytes;

    Q8DotMatrix(String name, MemorySegment data, int rows, int cols, GgmlType type) {
        super(name, data, rows, cols);
        if (cols % Q8Activations.BLOCK != 0) throw new IllegalArgumentException(name + ": row length " + cols + " is not a multiple of 32");
        this.rowBytes = type.bytesFor(cols);
    }

    /** Where a row starts in {@link #data}. */
    final long rowOffset(int row) {
        return row * rowBytes;
    }

    /** Whether activations are quantized with ggml's Q8_K rule (per 256 values) rather than Q8_0's (per 32). */
    boolean kActivations() {
        return false;
    }

    /** row · activation vector s of a. */
    abstract float dot(int row, Q8Activations a, int s);

    @Override
    public final float dot(int row, float[] x, int xOff) {
        Q8Activations a = ACTIVATIONS.get();
        a.quantize(x, xOff, 1, cols, kActivations());
        return dot(row, a, 0);
    }

    @Override
    public final void matmul(float[] x, int n, float[] out, Parallel parallel) {
        Q8Activations a = ACTIVATIONS.get();
        a.quantize(x, 0, n, cols, kActivations());
        int tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        parallel.forRange(tiles, (from, to) -> {
            for (int t = from; t < to; t++) tile(t * TILE_ROWS, Math.min(rows, (t + 1) * TILE_ROWS), a, n, out);
        });
    }

    /**
     * Rows [r0, r1) for all n vectors, each output equal to {@link #dot(int, Q8Activations, int)}: a type shares what
     * it can across the vectors (widened weights, an unpacked row, decoded scales).
     */
    abstract void tile(int r0, int r1, Q8Activations a, int n, float[] out);
}
