package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** BF16: the top half of a float32. */
final class BF16Matrix extends HalfMatrix {
    BF16Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    FloatVector widen8(long offset) {
        return Vec.bf16x8(data, offset);
    }

    @Override
    float widen1(long offset) {
        return Float.intBitsToFloat((data.get(Vec.SHORT_LE, offset) & 0xffff) << 16);
    }
}
