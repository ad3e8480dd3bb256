package dev.genstream.engine.model;

/**
 * One sequence's keys and values for every layer, position-major: k[layer][slot * kvDim + head * headDim + i], as
 * floats ({@link KvType#F32}) or half-precision bits ({@link KvType#F16}). Storage grows in steps up to the
 * capacity, so a short chat does not pay for a long context. A sliding-window layer keeps only what its queries can
 * still see: a ring of the last {@code window - 1} positions plus room for the tokens one forward pass appends, so
 * position p lives in slot {@code p % slots}. Elsewhere slots never wrap.
 */
public final class KvCache {
    private static final int GROWTH_STEP = 256;

    private final int layers;
    private final int kvDim;
    private final int capacity;
    private final KvType type;
    /** Per layer: the sliding window, or 0 for a layer that sees every position. */
    private final int[] window;
    /** Per layer: positions its storage holds. */
    private final int[] slots;
    private final float[][] keys;
    private final float[][] values;
    private final short[][] keys16;
    private final short[][] values16;
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
        this.window = new int[layers];
        this.slots = new int[layers];
        for (int l = 0; l < layers; l++) window[l] = config.slidingLayer(l) ? config.slidingWindow() : 0;
        boolean f32 = type == KvType.F32;
        this.keys = f32 ? new float[layers][] : null;
        this.values = f32 ? new float[layers][] : null;
        this.keys16 = f32 ? null : new short[layers][];
        this.values16 = f32 ? null : new short[layers][];
        for (int l = 0; l < layers; l++) grow(l, Math.min(capacity, window[l] == 0 ? GROWTH_STEP : Math.min(GROWTH_STEP, window[l])));
    }

    public int capacity() {
        return capacity;
    }

    public KvType type() {
        return type;
    }

    /** Bytes of key and value storage allocated now. */
    public long bytes() {
        long sum = 0;
        for (int l = 0; l < layers; l++) sum += 2L * slots[l] * kvDim * type.bytesPerValue();
        return sum;
    }

    /** Bytes a cache of {@code capacity} positions takes once full (every layer holding every position). */
    public static long bytes(ModelConfig config, int capacity, KvType type) {
        return 2L * config.layers() * capacity * config.kvDim() * type.bytesPerValue();
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

    short[] keys16(int layer) {
        return keys16[layer];
    }

    short[] values16(int layer) {
        return values16[layer];
    }

    /** Where position p of a layer lives, in values from the start of its keys or values. */
    int offset(int layer, int p) {
        return (p % slots(layer)) * kvDim;
    }

    /** Stores position p's key and value vectors (kvDim each) of a layer, rounded to the cache's type. */
    void store(int layer, int p, float[] k, int kOff, float[] v, int vOff) {
        int o = offset(layer, p);
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
        return slots[layer];
    }

    /** Re-slots the positions a layer still holds into storage for {@code n} positions. */
    private void grow(int l, int n) {
        int have = slots[l];
        if (type == KvType.F32) {
            float[] k = new float[n * kvDim], v = new float[n * kvDim];
            for (int p = Math.max(0, length - have); have > 0 && p < length; p++) {
                System.arraycopy(keys[l], (p % have) * kvDim, k, (p % n) * kvDim, kvDim);
                System.arraycopy(values[l], (p % have) * kvDim, v, (p % n) * kvDim, kvDim);
            }
            keys[l] = k;
            values[l] = v;
        } else {
            short[] k = new short[n * kvDim], v = new short[n * kvDim];
            for (int p = Math.max(0, length - have); have > 0 && p < length; p++) {
                System.arraycopy(keys16[l], (p % have) * kvDim, k, (p % n) * kvDim, kvDim);
                System.arraycopy(values16[l], (p % have) * kvDim, v, (p % n) * kvDim, kvDim);
            }
            keys16[l] = k;
            values16[l] = v;
        }
        slots[l] = n;
    }
}
