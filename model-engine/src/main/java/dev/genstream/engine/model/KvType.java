package dev.genstream.engine.model;

import java.util.Locale;

/**
 * How the KV cache stores keys and values. F16 halves the cache's memory and the bytes attention reads; each value is
 * rounded to half precision (nearest even) when stored and widened exactly when read, as llama.cpp's default f16 cache.
 */
public enum KvType {
    F32(Float.BYTES),
    F16(Short.BYTES);

    private final int bytes;

    KvType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored value. */
    public int bytesPerValue() {
        return bytes;
    }

    /** The lower-case name as flags and config write it: f32, f16. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** f32 or f16 (any case); anything else is an IllegalArgumentException naming the choices. */
    public static KvType parse(String s) {
        for (KvType t : values()) if (t.wireName().equalsIgnoreCase(s.strip())) return t;
        throw new IllegalArgumentException("KV cache type must be f32 or f16, got '" + s + "'");
    }
}
