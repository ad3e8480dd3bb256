package dev.genstream.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GGUF key/value metadata. Scalars are boxed Java values (unsigned ints widened so they never read negative);
 * arrays are primitive arrays ({@code int[]}, {@code long[]}, {@code float[]}, {@code String[]}, ...).
 */
public final class GgufMetadata {
    private final Map<String, Object> values;

    private GgufMetadata(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static GgufMetadata of(Map<String, Object> values) {
        return new GgufMetadata(new LinkedHashMap<>(values));
    }

    static GgufMetadata read(Cursor in, long count) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            String key = in.string();
            int type = in.i32();
            try {
                values.put(key, readValue(in, type));
            } catch (GgufFormatException e) {
                throw new GgufFormatException("metadata key " + key + ": " + e.getMessage());
            }
        }
        return new GgufMetadata(values);
    }

    private static Object readValue(Cursor in, int type) {
        return switch (type) {
            case 0 -> (int) in.i8() & 0xff;
            case 1 -> (int) in.i8();
            case 2 -> (int) in.i16() & 0xffff;
            case 3 -> (int) in.i16();
            case 4 -> Integer.toUnsignedLong(in.i32());
            case 5 -> in.i32();
            case 6 -> in.f32();
            case 7 -> readBool(in);
            case 8 -> in.string();
            case 9 -> readArray(in);
            case 10, 11 -> in.i64();
            case 12 -> in.f64();
            default -> throw new GgufFormatException("unknown metadata value type " + type);
        };
    }

    private static boolean readBool(Cursor in) {
        byte b = in.i8();
        if (b != 0 && b != 1) throw new GgufFormatException("bool value " + b);
        return b == 1;
    }

    private static Object readArray(Cursor in) {
        int elemType = in.i32();
        int width = switch (elemType) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12, 8 -> 8; // a string is at least its 8-byte length
            case 9 -> throw new GgufFormatException("nested arrays are not supported");
            default -> throw new GgufFormatException("unknown array element type " + elemType);
        };
        int n = Math.toIntExact(in.count("array length", width));
        switch (elemType) {
            case 0, 1, 2, 3, 5 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = ((Number) readValue(in, elemType)).intValue();
                return a;
            }
            case 4, 10, 11 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = elemType == 4 ? Integer.toUnsignedLong(in.i32()) : in.i64();
                return a;
            }
            case 6 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = in.f32();
                return a;
            }
            case 12 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = in.f64();
                return a;
            }
            case 7 -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = readBool(in);
                return a;
            }
            default -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = in.string();
                return a;
            }
        }
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Object get(String key) {
        return values.get(key);
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) throw new GgufFormatException("missing metadata key " + key);
        return v;
    }

    private <T> T typed(String key, Class<T> type) {
        Object v = require(key);
        if (!type.isInstance(v)) {
            throw new GgufFormatException("metadata key " + key + " should be " + type.getSimpleName()
                    + " but is " + v.getClass().getSimpleName());
        }
        return type.cast(v);
    }

    public String getString(String key) {
        return typed(key, String.class);
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        return typed(key, Number.class).longValue();
    }

    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    public int getInt(String key) {
        return Math.toIntExact(getLong(key));
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public float getFloat(String key) {
        return typed(key, Number.class).floatValue();
    }

    public float getFloat(String key, float fallback) {
        return has(key) ? getFloat(key) : fallback;
    }

    public boolean getBool(String key, boolean fallback) {
        return has(key) ? typed(key, Boolean.class) : fallback;
    }

    public String[] getStrings(String key) {
        return typed(key, String[].class);
    }

    public float[] getFloats(String key) {
        return typed(key, float[].class);
    }

    /** Integer arrays of any width, as ints. */
    public int[] getInts(String key) {
        Object v = require(key);
        if (v instanceof int[] a) return a;
        if (v instanceof long[] a) {
            int[] r = new int[a.length];
            for (int i = 0; i < a.length; i++) r[i] = Math.toIntExact(a[i]);
            return r;
        }
        throw new GgufFormatException("metadata key " + key + " should be an integer array");
    }
}
