package dev.genstream.engine.quant;

/** Little-endian stores and ggml's rounding helpers. */
final class Bytes {
    private Bytes() {}

    static void f16(byte[] dst, int at, float v) {
        short h = Float.floatToFloat16(v); // round to nearest even, as GGML_FP32_TO_FP16
        dst[at] = (byte) h;
        dst[at + 1] = (byte) (h >> 8);
    }

    static float f16(byte[] src, int at) {
        return Float.float16ToFloat((short) ((src[at] & 0xff) | (src[at + 1] << 8)));
    }

    static void i16(byte[] dst, int at, int v) {
        dst[at] = (byte) v;
        dst[at + 1] = (byte) (v >> 8);
    }

    static void i32(byte[] dst, int at, int v) {
        i16(dst, at, v);
        i16(dst, at + 2, v >> 16);
    }

    /** ggml's nearest_int: round half to even (its float magic-number trick does exactly this). */
    static int nearestInt(float v) {
        return (int) Math.rint(v);
    }

    /** C's roundf: half away from zero. */
    static int roundf(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
