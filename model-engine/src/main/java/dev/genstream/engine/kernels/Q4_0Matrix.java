package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 weights, an f16 scale then 16 bytes; byte j holds weight j in its low nibble and
 * weight j+16 in its high nibble, each stored as value+8.
 */
final class Q4_0Matrix extends BlockQ8Matrix {
    static final int BLOCK_BYTES = 18;

    Q4_0Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols, GgmlType.Q4_0, true);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    ShortVector weights(long blockOffset, int half) {
        ShortVector q = Int8Gemm.bytes(data, blockOffset + 2);
        // Sign extension fills the high bits; the mask keeps just the nibble.
        return (half == 0 ? q : q.lanewise(VectorOperators.ASHR, 4)).and((short) 0xF).sub((short) 8);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = rowOffset(row);
        for (int b = 0; b < blocks; b++, off += BLOCK_BYTES, dstOff += BLOCK) {
            float d = scale(off);
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, off + 2 + j) & 0xFF;
                dst[dstOff + j] = ((q & 0xF) - 8) * d;
                dst[dstOff + j + 16] = ((q >> 4) - 8) * d;
            }
        }
    }
}
