package dev.genstream.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Bounds-checked little-endian reads over a segment; running off the end is a truncation error, never a crash. */
final class Cursor {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;
    private long pos;

    Cursor(MemorySegment seg) {
        this.seg = seg;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return seg.byteSize() - pos;
    }

    private long take(long n) {
        if (n < 0 || n > remaining()) {
            throw new GgufFormatException("truncated file: needed " + n + " bytes at offset " + pos + ", only " + remaining() + " left");
        }
        long p = pos;
        pos += n;
        return p;
    }

    byte i8() {
        return seg.get(ValueLayout.JAVA_BYTE, take(1));
    }

    short i16() {
        return seg.get(I16, take(2));
    }

    int i32() {
        return seg.get(I32, take(4));
    }

    long i64() {
        return seg.get(I64, take(8));
    }

    float f32() {
        return seg.get(F32, take(4));
    }

    double f64() {
        return seg.get(F64, take(8));
    }

    /** A count of items each at least {@code minItemBytes} long: rejected when the rest of the file cannot hold them. */
    long count(String what, long minItemBytes) {
        long n = i64();
        if (n < 0 || n > remaining() / Math.max(1, minItemBytes)) {
            throw new GgufFormatException(what + " " + Long.toUnsignedString(n) + " is impossible for a file with "
                    + remaining() + " bytes left at offset " + (pos - 8));
        }
        return n;
    }

    String string() {
        long len = i64();
        if (len < 0 || len > remaining()) {
            throw new GgufFormatException("string length " + Long.toUnsignedString(len) + " at offset " + (pos - 8)
                    + " runs past the end of the file: truncated or corrupt");
        }
        byte[] bytes = seg.asSlice(take(len), len).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
