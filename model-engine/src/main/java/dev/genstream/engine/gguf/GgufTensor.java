package dev.genstream.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a GGUF file: a read-only view of its bytes in the mapped file.
 * {@code dims[0]} is the fastest-varying (row length), as in ggml.
 */
public record GgufTensor(String name, GgmlType type, long[] dims, MemorySegment data) {

    public long elements() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** Length of one row (ggml ne[0]). */
    public int rowLength() {
        return Math.toIntExact(dims[0]);
    }

    /** Number of rows (product of all dims but the first). */
    public int rows() {
        return Math.toIntExact(elements() / dims[0]);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims);
    }
}
