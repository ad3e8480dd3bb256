package dev.genstream.engine.model;

/**
 * One sequence's keys and values for every layer, position-major: k[layer][pos * kvDim + head * headDim + i], as
 * floats ({@link KvType#F32}) or half-precision bits ({@link KvType#F16}). Storage grows in steps up to the
 * capacity, so a short chat does not pay for a long context.
 */
public final class KvCache {
    private static final int GROWTH_STEP = 256;

    private final int layers;
    private final int kvDim;
    private final int capacity;
    private final KvType type;
    private float[][] keys;
    private float[][] values;
    private short[][] keys16;
    private short[][] values16;
    private int allocated;
    private int length;

    public KvCache(ModelConfig config, int capacity) {
        this(config, capacity, KvType.F32);
    }

    public KvCache(ModelConfig config, int capacity, KvType type) {
        if (capacity < 1) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.layers = config.layers();
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.type = type;
        if (type == KvType.F32) {
            this.keys = new float[layers][];
            this.values = new float[layers][];
        } else {
            this.keys16 = new short[layers][];
            this.values16 = new short[layers][];
        }
        allocate(Math.min(capacity, GROWTH_STEP));
    }

    public int capacity() {
        return capacity;
    }

    public KvType type() {
        return type;
    }

    /** Bytes of key and value storage allocated now. */
    public long bytes() {
        return 2L * layers * allocated * kvDim * type.bytesPerValue();
    }

    /** Bytes a cache of {@code capacity} positions takes once full. */
    public static long bytes(ModelConfig config, int capacity, KvType type) {
        return 2L * config.layers() * capacity * config.kvDim() * type.bytesPerValue();
    }

    /** Positions filled so far; the next token goes at this position. */
    public int length() {
        return length;
    }

    /** Forgets positions from n on, e.g. to re-run a suffix. */
    public void truncate(int n) {
        if (n < 0 || n > length) throw new IllegalArgumentException("cannot truncate " + length + " positions to " + n);
        length = n;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    short[] keys16(int layer) {
        return keys16[layer];
    }

    short[] values16(int layer) {
        return values16[layer];
    }

    /** Stores one position's key and value vectors (kvDim each) of a layer, rounded to the cache's type. */
    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        int o = pos * kvDim;
        if (type == KvType.F32) {
            System.arraycopy(k, kOff, keys[layer], o, kvDim);
            System.arraycopy(v, vOff, values[layer], o, kvDim);
            return;
        }
        short[] kd = keys16[layer], vd = values16[layer];
        for (int i = 0; i < kvDim; i++) {
            kd[o + i] = Float.floatToFloat16(k[kOff + i]);
            vd[o + i] = Float.floatToFloat16(v[vOff + i]);
        }
    }

    /** Makes room for {@code more} positions after the current length. */
    void reserve(int more) {
        int needed = length + more;
        if (needed > capacity) {
            throw new ContextOverflowException(length, more, capacity);
        }
        if (needed > allocated) {
            allocate(Math.min(capacity, Math.max(needed, Math.max(allocated * 2, GROWTH_STEP))));
        }
    }

    void advance(int n) {
        length += n;
    }

    private void allocate(int positions) {
        int keep = Math.min(allocated, length) * kvDim;
        for (int l = 0; l < layers; l++) {
            if (type == KvType.F32) {
                keys[l] = grow(keys[l], positions * kvDim, keep);
                values[l] = grow(values[l], positions * kvDim, keep);
            } else {
                keys16[l] = grow(keys16[l], positions * kvDim, keep);
                values16[l] = grow(values16[l], positions * kvDim, keep);
            }
        }
        allocated = positions;
    }

    private static float[] grow(float[] old, int size, int keep) {
        float[] a = new float[size];
        if (old != null) System.arraycopy(old, 0, a, 0, keep);
        return a;
    }

    private static short[] grow(short[] old, int size, int keep) {
        short[] a = new short[size];
        if (old != null) System.arraycopy(old, 0, a, 0, keep);
        return a;
    }
}
