package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/** Q8_0: blocks of 32 weights, an f16 scale then 32 signed bytes (34 bytes). */
final class Q8_0Matrix extends BlockQ8Matrix {
    static final int BLOCK_BYTES = 34;

    Q8_0Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols, GgmlType.Q8_0, false);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    ShortVector weights(long blockOffset, int half) {
        return Int8Gemm.bytes(data, blockOffset + 2 + 16 * half);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = rowOffset(row);
        for (int b = 0; b < blocks; b++, off += BLOCK_BYTES, dstOff += BLOCK) {
            FloatVector d = FloatVector.broadcast(Vec.F, scale(off));
            for (int g = 0; g < 4; g++) Vec.i8x8(data, off + 2 + 8 * g).mul(d).intoArray(dst, dstOff + 8 * g);
        }
    }
}
