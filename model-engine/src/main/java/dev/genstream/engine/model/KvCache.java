package dev.genstream.engine.model;

/**
 * One sequence's keys and values for every layer, position-major: k[layer][pos * kvDim + head * headDim + i].
 * Storage grows in steps up to the capacity, so a short chat does not pay for a long context.
 */
public final class KvCache {
    private static final int GROWTH_STEP = 256;

    private final int layers;
    private final int kvDim;
    private final int capacity;
    private float[][] keys;
    private float[][] values;
    private int length;

    public KvCache(ModelConfig config, int capacity) {
        this(config.layers(), config.kvDim(), capacity, Math.min(capacity, GROWTH_STEP));
    }

    private KvCache(int layers, int kvDim, int capacity, int allocated) {
        if (capacity < 1) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.layers = layers;
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        allocate(allocated);
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes of key and value storage allocated now. */
    public long bytes() {
        return 2L * layers * keys[0].length * Float.BYTES;
    }

    /** Bytes of key and value storage one position takes. */
    public long bytesPerPosition() {
        return 2L * layers * kvDim * Float.BYTES;
    }

    /** A copy of the first {@code positions} positions, its storage sized to them exactly (a prefix cache keeps these). */
    public KvCache copyPrefix(int positions) {
        if (positions < 1 || positions > length) throw new IllegalArgumentException("cannot copy " + positions + " of " + length + " positions");
        KvCache copy = new KvCache(layers, kvDim, positions, positions);
        copy.copyRows(this, positions);
        return copy;
    }

    /**
     * Replaces this cache's contents with the first {@code positions} positions of {@code source}, a cache of the
     * same model: the rows are the very floats a prefill of those tokens writes, so what follows is unchanged.
     */
    public void restorePrefix(KvCache source, int positions) {
        if (source.layers != layers || source.kvDim != kvDim) throw new IllegalArgumentException("the caches belong to different models");
        if (positions < 0 || positions > source.length) throw new IllegalArgumentException("cannot copy " + positions + " of " + source.length + " positions");
        length = 0;
        reserve(positions);
        copyRows(source, positions);
    }

    private void copyRows(KvCache source, int positions) {
        for (int l = 0; l < layers; l++) {
            System.arraycopy(source.keys[l], 0, keys[l], 0, positions * kvDim);
            System.arraycopy(source.values[l], 0, values[l], 0, positions * kvDim);
        }
        length = positions;
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

    /** Makes room for {@code more} positions after the current length. */
    void reserve(int more) {
        int needed = length + more;
        if (needed > capacity) {
            throw new ContextOverflowException(length, more, capacity);
        }
        int have = keys[0].length / kvDim;
        if (needed > have) {
            allocate(Math.min(capacity, Math.max(needed, Math.max(have * 2, GROWTH_STEP))));
        }
    }

    void advance(int n) {
        length += n;
    }

    private void allocate(int positions) {
        for (int l = 0; l < layers; l++) {
            keys[l] = grow(keys[l], positions);
            values[l] = grow(values[l], positions);
        }
    }

    private float[] grow(float[] old, int positions) {
        float[] a = new float[positions * kvDim];
        if (old != null) System.arraycopy(old, 0, a, 0, Math.min(old.length, length * kvDim));
        return a;
    }
}
