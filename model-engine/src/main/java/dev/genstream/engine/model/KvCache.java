package dev.genstream.engine.model;

/**
 * One sequence's keys and values for every layer, position-major: k[layer][slot * kvDim + head * headDim + i].
 * Storage grows in steps up to the capacity, so a short chat does not pay for a long context. A sliding-window
 * layer keeps only what its queries can still see: a ring of the last {@code window - 1} positions plus room for
 * the tokens one forward pass appends, so position p lives in slot {@code p % slots}. Elsewhere slots never wrap.
 */
public final class KvCache {
    private static final int GROWTH_STEP = 256;

    private final int layers;
    private final int kvDim;
    private final int capacity;
    /** Per layer: the sliding window, or 0 for a layer that sees every position. */
    private final int[] window;
    private float[][] keys;
    private float[][] values;
    private int length;

    public KvCache(ModelConfig config, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.layers = config.layers();
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.window = new int[layers];
        for (int l = 0; l < layers; l++) window[l] = config.slidingLayer(l) ? config.slidingWindow() : 0;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        for (int l = 0; l < layers; l++) grow(l, Math.min(capacity, window[l] == 0 ? GROWTH_STEP : Math.min(GROWTH_STEP, window[l])));
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes of key and value storage allocated now. */
    public long bytes() {
        long sum = 0;
        for (int l = 0; l < layers; l++) sum += 2L * keys[l].length * Float.BYTES;
        return sum;
    }

    /** Positions filled so far; the next token goes at this position. */
    public int length() {
        return length;
    }

    /**
     * Forgets positions from n on, e.g. to re-run a suffix. On a sliding-window layer the positions the window of n
     * needs must still be held: going back further than the tokens one pass appended is refused.
     */
    public void truncate(int n) {
        if (n < 0 || n > length) throw new IllegalArgumentException("cannot truncate " + length + " positions to " + n);
        for (int l = 0; l < layers; l++) {
            int oldest = Math.max(0, length - slots(l));
            if (window[l] > 0 && n > 0 && n - window[l] + 1 < oldest) {
                throw new IllegalArgumentException("cannot truncate " + length + " positions to " + n
                        + ": layer " + l + "'s sliding window no longer holds position " + Math.max(0, n - window[l] + 1));
            }
        }
        length = n;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Where position p of a layer lives, in floats from the start of its keys or values. */
    int offset(int layer, int p) {
        return (p % slots(layer)) * kvDim;
    }

    /** Makes room for {@code more} positions after the current length. */
    void reserve(int more) {
        int needed = length + more;
        if (needed > capacity) {
            throw new ContextOverflowException(length, more, capacity);
        }
        for (int l = 0; l < layers; l++) {
            int have = slots(l);
            // a window layer needs the window - 1 positions before the new ones, not the whole sequence
            int required = window[l] == 0 ? needed : Math.min(needed, window[l] - 1 + more);
            if (required > have) {
                int limit = window[l] == 0 ? capacity : Math.min(capacity, window[l] - 1 + more);
                grow(l, Math.max(required, Math.min(limit, Math.max(have * 2, GROWTH_STEP))));
            }
        }
    }

    void advance(int n) {
        length += n;
    }

    /** Positions a layer's storage holds; position p is in slot p % slots. */
    int slots(int layer) {
        return keys[layer].length / kvDim;
    }

    /** Re-slots the positions a layer still holds into storage for {@code slots} positions. */
    private void grow(int l, int slots) {
        float[] k = new float[slots * kvDim], v = new float[slots * kvDim];
        if (keys[l] != null) {
            int have = slots(l);
            for (int p = Math.max(0, length - have); p < length; p++) {
                System.arraycopy(keys[l], (p % have) * kvDim, k, (p % slots) * kvDim, kvDim);
                System.arraycopy(values[l], (p % have) * kvDim, v, (p % slots) * kvDim, kvDim);
            }
        }
        keys[l] = k;
        values[l] = v;
    }
}
