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
        if (capacity < 1) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.layers = config.layers();
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        allocate(Math.min(capacity, GROWTH_STEP));
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes of key and value storage allocated now. */
    public long bytes() {
        return 2L * layers * keys[0].length * Float.BYTES;
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
