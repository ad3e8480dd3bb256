package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;

/**
 * A [rows x cols] weight matrix viewed in place in the mapped file. Each type owns its dot product; the
 * batched matmul is built on that one dot, so a row's result never depends on batch size or thread count.
 */
public abstract sealed class WeightMatrix permits F32Matrix, F16Matrix, BF16Matrix, Q8_0Matrix, Q4_0Matrix, Q4_KMatrix, Q6_KMatrix {
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
     * out[s*rows + r] = row r · x[s*cols ..] for the n input vectors packed in x. Threads split rows; each
     * thread walks the sequences inside its row range so a weight row is fetched once for all of them.
     */
    public void matmul(float[] x, int n, float[] out, Parallel parallel) {
        parallel.forRange(rows, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int s = 0; s < n; s++) {
                    out[s * rows + r] = dot(r, x, s * cols);
                }
            }
        });
    }

    @Override
    public String toString() {
        return name + " " + type() + " [" + rows + " x " + cols + "]";
    }
}
