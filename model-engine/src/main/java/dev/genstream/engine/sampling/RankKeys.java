package dev.genstream.engine.sampling;

import java.util.Arrays;

/**
 * Candidate order as one long per token: ascending keys = logit descending, ties broken by lower token id.
 * Packing makes the order total (ids are unique), so sorting and selecting are deterministic with primitive sorts.
 * -0.0 and 0.0 rank as equal, as {@code ==} treats them. Logits must not be NaN.
 */
final class RankKeys {

    private RankKeys() {}

    static long key(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0.0f); // -0.0 + 0.0 == +0.0
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order == float order
        return ((long) ~ascending << 32) | id;
    }

    static int id(long key) {
        return (int) key;
    }

    /**
     * Writes the {@code k} best-ranked tokens of {@code logits[0..n)} into {@code out[0..k)}, best first, in
     * O(n log k): a bounded max-heap on keys, most tokens rejected by one comparison with its root.
     * Returns the count, {@code min(k, n)}.
     */
    static int selectTop(float[] logits, int n, int k, long[] out) {
        k = Math.min(k, n);
        if (k == 0) return 0;
        for (int i = 0; i < k; i++) out[i] = key(logits[i], i);
        for (int i = k / 2 - 1; i >= 0; i--) siftDown(out, k, i);
        for (int i = k; i < n; i++) {
            long key = key(logits[i], i);
            if (key < out[0]) {
                out[0] = key;
                siftDown(out, k, 0);
            }
        }
        Arrays.sort(out, 0, k);
        return k;
    }

    /** Max-heap sift on {@code heap[0..size)}. */
    private static void siftDown(long[] heap, int size, int i) {
        long v = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= v) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }
}
