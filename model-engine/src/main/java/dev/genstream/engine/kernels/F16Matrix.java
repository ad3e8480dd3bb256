package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** F16: IEEE half precision. */
final class F16Matrix extends HalfMatrix {
    F16Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    FloatVector widen8(long offset) {
        return Vec.f16x8(data, offset);
    }

    @Override
    float widen1(long offset) {
        return Vec.f16(data, offset);
    }
}
