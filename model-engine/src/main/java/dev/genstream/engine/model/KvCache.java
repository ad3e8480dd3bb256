package dev.genstream.engine.model;

import dev.genstream.engine.kernels.Attention;

/**
 * One sequence's keys and values for every layer, as floats ({@link KvType#F32}) or half-precision bits
 * ({@link KvType#F16}). Values are position-major: v[layer][slot * kvDim + head * headDim + i]. Keys are in tiles of
 * {@link Attention#TILE} slots, each dimension-major, so attention scores several positions per vector. Storage grows in steps up to the
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
        this(config.layers(), config.kvDim(), capacity, type, windows(config), GROWTH_STEP);
    }

    private KvCache(int layers, int kvDim, int capacity, KvType type, int[] window, int step) {
        if (capacity < 1) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.layers = layers;
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.type = type;
        this.window = window;
        this.slots = new int[layers];
        boolean f32 = type == KvType.F32;
        this.keys = f32 ? new float[layers][] : null;
        this.values = f32 ? new float[layers][] : null;
        this.keys16 = f32 ? null : new short[layers][];
        this.values16 = f32 ? null : new short[layers][];
        for (int l = 0; l < layers; l++) grow(l, Math.min(capacity, window[l] == 0 ? step : Math.min(step, window[l])));
    }

    private static int[] windows(ModelConfig config) {
        int[] w = new int[config.layers()];
        for (int l = 0; l < w.length; l++) w[l] = config.slidingLayer(l) ? config.slidingWindow() : 0;
        return w;
    }

    /** True when some layer keeps only a sliding window (a ring): such a cache holds no whole prefix to share. */
    public boolean slides() {
        for (int w : window) if (w > 0) return true;
        return false;
    }

    /** Bytes of key and value storage one position takes. */
    public long bytesPerPosition() {
        return 2L * layers * kvDim * type.bytesPerValue();
    }

    /** A copy of the first {@code positions} positions, its storage sized to them exactly (a prefix cache keeps these). */
    public KvCache copyPrefix(int positions) {
        if (positions < 1 || positions > length) throw new IllegalArgumentException("cannot copy " + positions + " of " + length + " positions");
        if (slides()) throw new IllegalStateException("a sliding-window cache keeps no whole prefix to copy");
        KvCache copy = new KvCache(layers, kvDim, positions, type, window, positions);
        copy.copyRows(this, positions);
        return copy;
    }

    /**
     * Replaces this cache's contents with the first {@code positions} positions of {@code source}, a cache of the
     * same model and type: the rows are the very values a prefill of those tokens writes, so what follows is unchanged.
     */
    public void restorePrefix(KvCache source, int positions) {
        if (source.layers != layers || source.kvDim != kvDim || source.type != type) {
            throw new IllegalArgumentException("the caches belong to different models or KV types");
        }
        if (slides()) throw new IllegalStateException("a sliding-window cache cannot take a copied prefix");
        if (positions < 0 || positions > source.length) throw new IllegalArgumentException("cannot copy " + positions + " of " + source.length + " positions");
        length = 0;
        reserve(positions);
        copyRows(source, positions);
    }

    private void copyRows(KvCache source, int positions) {
        // Whole tiles below positions are laid out alike in both (both hold at least positions slots).
        int tiled = positions - positions % Attention.TILE;
        for (int l = 0; l < layers; l++) {
            System.arraycopy(source.keyStore(l), 0, keyStore(l), 0, tiled * kvDim);
            System.arraycopy(source.valueStore(l), 0, valueStore(l), 0, positions * kvDim);
            for (int p = tiled; p < positions; p++) copyKey(source.keyStore(l), source.slots[l], p, keyStore(l), slots[l], p);
        }
        length = positions;
    }

    /** Layer l's key storage, float[] or short[] by type (for copies that need not know which). */
    private Object keyStore(int l) {
        return type == KvType.F32 ? keys[l] : keys16[l];
    }

    private Object valueStore(int l) {
        return type == KvType.F32 ? values[l] : values16[l];
    }

    /** Copies the key in slot {@code from} of a storage of srcSlots slots to slot {@code to} of one of dstSlots. */
    private void copyKey(Object src, int srcSlots, int from, Object dst, int dstSlots, int to) {
        if (src instanceof float[] f) copyKey(f, srcSlots, from, (float[]) dst, dstSlots, to);
        else copyKey((short[]) src, srcSlots, from, (short[]) dst, dstSlots, to);
    }

    private void copyKey(float[] src, int srcSlots, int from, float[] dst, int dstSlots, int to) {
        int a = Attention.keyIndex(from, kvDim), as = Attention.keyStride(from, srcSlots);
        int b = Attention.keyIndex(to, kvDim), bs = Attention.keyStride(to, dstSlots);
        for (int i = 0; i < kvDim; i++) dst[b + i * bs] = src[a + i * as];
    }

    private void copyKey(short[] src, int srcSlots, int from, short[] dst, int dstSlots, int to) {
        int a = Attention.keyIndex(from, kvDim), as = Attention.keyStride(from, srcSlots);
        int b = Attention.keyIndex(to, kvDim), bs = Attention.keyStride(to, dstSlots);
        for (int i = 0; i < kvDim; i++) dst[b + i * bs] = src[a + i * as];
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

    /** A layer's keys, tiled as {@link Attention} reads them. */
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

    /** Stores position p's key and value vectors (kvDim each) of a layer, rounded to the cache's type. */
    void store(int layer, int p, float[] k, int kOff, float[] v, int vOff) {
        int slot = p % slots(layer), o = slot * kvDim;
        int ko = Attention.keyIndex(slot, kvDim), ks = Attention.keyStride(slot, slots(layer));
        if (type == KvType.F32) {
            float[] kd = keys[layer];
            for (int i = 0; i < kvDim; i++) kd[ko + i * ks] = k[kOff + i];
            System.arraycopy(v, vOff, values[layer], o, kvDim);
            return;
        }
        short[] kd = keys16[layer], vd = values16[layer];
        for (int i = 0; i < kvDim; i++) {
            kd[ko + i * ks] = Float.floatToFloat16(k[kOff + i]);
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
        boolean f32 = type == KvType.F32;
        Object oldK = keyStore(l), oldV = valueStore(l);
        Object k = f32 ? new float[n * kvDim] : new short[n * kvDim], v = f32 ? new float[n * kvDim] : new short[n * kvDim];
        // Unwrapped (every held position p in slot p of both storages): whole tiles and values copy as blocks.
        int linear = length <= have ? length - length % Attention.TILE : 0;
        if (linear > 0) {
            System.arraycopy(oldK, 0, k, 0, linear * kvDim);
            System.arraycopy(oldV, 0, v, 0, linear * kvDim);
        }
        for (int p = Math.max(linear, length - have); have > 0 && p < length; p++) {
            copyKey(oldK, have, p % have, k, n, p % n);
            System.arraycopy(oldV, (p % have) * kvDim, v, (p % n) * kvDim, kvDim);
        }
        if (f32) {
            keys[l] = (float[]) k;
            values[l] = (float[]) v;
        } else {
            keys16[l] = (short[]) k;
            values16[l] = (short[]) v;
        }
        slots[l] = n;
    }
}
