package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;

/**
 * A [rows x cols] weight matrix viewed in place in the mapped file. Each type owns its dot product; the
 * batched matmul is built on that one dot, so a row's result never depends on batch size or thread count.
 */
public abstract sealed class WeightMatrix permits F32Matrix, HalfMatrix, Q8DotMatrix {
    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;
    private final String name;

    protected WeightMatrix(String name, MemorySegment data, int rows, int cols) {
        this.name = name;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /** Views a GGUF tensor as a matrix; unsupported types fail with the tensor's name and type. */
    public static WeightMatrix of(GgufTensor t) {
        String name = t.name();
        int rows = t.rows();
        int cols = t.rowLength();
        MemorySegment d = t.data();
        return switch (t.type()) {
            case F32 -> new F32Matrix(name, d, rows, cols);
            case F16 -> new F16Matrix(name, d, rows, cols);
            case BF16 -> new BF16Matrix(name, d, rows, cols);
            case Q8_0 -> new Q8_0Matrix(name, d, rows, cols);
            case Q4_0 -> new Q4_0Matrix(name, d, rows, cols);
            case Q4_K -> new Q4_KMatrix(name, d, rows, cols);
            case Q6_K -> new Q6_KMatrix(name, d, rows, cols);
            default -> throw new UnsupportedTensorTypeException(name, t.type());
        };
    }

    public abstract GgmlType type();

    public final String name() {
        return name;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Bytes of weights read by one full pass over the matrix. */
    public final long byteSize() {
        return data.byteSize();
    }

    /** row · x[xOff .. xOff+cols), in a fixed reduction order. */
    public abstract float dot(int row, float[] x, int xOff);

    /** Dequantizes one row into dst[dstOff ..). */
    public abstract void readRow(int row, float[] dst, int dstOff);

    /**
     * out[s*rows + r] = row r · x[s*cols ..] for the n input vectors packed in x. Threads split tiles of rows; inside
     * a tile, a type's kernel may share each weight load across rows or sequences, but every (row, sequence) output
     * is the same single reduction {@link #dot} computes.
     */
    public void matmul(float[] x, int n, float[] out, Parallel parallel) {
        int tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        parallel.forRange(tiles, (from, to) -> {
            for (int t = from; t < to; t++) matmulTile(t * TILE_ROWS, Math.min(rows, (t + 1) * TILE_ROWS), x, n, out);
        });
    }

    /** Rows per tile: their dequantized weights stay in L2 while every sequence passes over them. */
    static final int TILE_ROWS = 16;
    /** Sequences per pass over a tile: their activations stay in cache too. */
    static final int SEQ_BLOCK = 16;

    private static final ThreadLocal<float[]> TILE_BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    /** out for rows [r0, r1) and all n sequences. The default calls dot per output; fast types override. */
    void matmulTile(int r0, int r1, float[] x, int n, float[] out) {
        for (int r = r0; r < r1; r++) {
            for (int s = 0; s < n; s++) out[s * rows + r] = dot(r, x, s * cols);
        }
    }

    /**
     * For types whose dot follows {@link FloatGemm}'s order on exactly the values readRow yields: several sequences
     * dequantize each row once into a per-thread buffer, then every weight load serves four sequences.
     */
    final void matmulDequantized(int r0, int r1, float[] x, int n, float[] out) {
        if (n == 1) {
            for (int r = r0; r < r1; r++) out[r] = dot(r, x, 0);
            return;
        }
        float[] buf = TILE_BUFFER.get();
        if (buf.length < (r1 - r0) * cols) TILE_BUFFER.set(buf = new float[TILE_ROWS * cols]);
        for (int r = r0; r < r1; r++) readRow(r, buf, (r - r0) * cols);
        for (int sb = 0; sb < n; sb += SEQ_BLOCK) {
            int se = Math.min(n, sb + SEQ_BLOCK);
            for (int r = r0; r < r1; r++) {
                int w = (r - r0) * cols, s = sb;
                for (; s + 3 < se; s += 4) FloatGemm.dot4(buf, w, x, s * cols, cols, cols, out, s * rows + r, rows);
                for (; s < se; s++) out[s * rows + r] = FloatGemm.dot(buf, w, x, s * cols, cols);
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + type() + " [" + rows + " x " + cols + "]";
    }
}
