package dev.genstream.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Species and loads shared by the kernels. Every reduction is pinned to eight float lanes (256 bits), not the
 * machine's preferred width, so the reduction order (and therefore every logit) is the same on AVX2 and AVX-512
 * machines. {@link #WIDE} is for work whose result does not depend on the width (element-wise fused updates, exact
 * integer products): 512 bits where the machine has them, unless {@link VectorWidth#PROPERTY} pins 256.
 */
final class Vec {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final int LANES = F.length();
    /** 512-bit loads and 16-bit products feed the same eight-lane partial sums (see {@link Int8Gemm#pairs}). */
    static final boolean WIDE = VectorWidth.bits() >= 512;
    static final VectorSpecies<Float> FW = WIDE ? FloatVector.SPECIES_512 : F;
    static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private Vec() {}

    /**
     * The sum of eight lanes stored at lanes[off ..], in one fixed pairwise order. {@code reduceLanes(ADD)} is not
     * used: its interpreted fallback adds sequentially while compiled code may use a tree, so a result would depend
     * on whether the JIT had warmed up. Kernels store their accumulator themselves rather than pass the vector: a
     * vector handed to a call that C2 does not inline is boxed on every iteration of the loop that made it, which
     * made big kernels several times slower.
     */
    static float sum(float[] lanes, int off) {
        return ((lanes[off] + lanes[off + 1]) + (lanes[off + 2] + lanes[off + 3]))
                + ((lanes[off + 4] + lanes[off + 5]) + (lanes[off + 6] + lanes[off + 7]));
    }

    static float f16(MemorySegment seg, long offset) {
        return Float.float16ToFloat(seg.get(SHORT_LE, offset));
    }

    /** Eight bf16 values widened to float: bf16 is the top half of a float32. */
    static FloatVector bf16x8(MemorySegment seg, long offset) {
        ShortVector h = ShortVector.fromMemorySegment(S, seg, offset, LE);
        return ((IntVector) h.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * Eight f16 values widened to float. Shifting the magnitude into float position and scaling by 2^112 is
     * exact for normal and subnormal halves; inf/NaN weights are not representable this way (none occur in models).
     */
    static FloatVector f16x8(MemorySegment seg, long offset) {
        ShortVector h = ShortVector.fromMemorySegment(S, seg, offset, LE);
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
        FloatVector mag = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return mag.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** Eight f16 values from an array widened to float, as {@link #f16x8(MemorySegment, long)}. */
    static FloatVector f16x8(short[] a, int offset) {
        IntVector bits = (IntVector) ShortVector.fromArray(S, a, offset).convertShape(VectorOperators.S2I, I, 0);
        FloatVector mag = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return mag.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /**
     * Bytes shifted as 16-bit lanes: AVX2 has no byte shift. Bits cross into the neighbouring byte, so a caller masks
     * the result to the bits that came from each lane's own byte.
     */
    static ByteVector shiftWords(ByteVector v, VectorOperators.Binary op, int n) {
        return v.reinterpretAsShorts().lanewise(op, n).reinterpretAsBytes();
    }

    /** Eight signed bytes widened to float. */
    static FloatVector i8x8(MemorySegment seg, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B64, seg, offset, LE).convertShape(VectorOperators.B2F, F, 0);
    }
}
