package dev.genstream.engine.tokenizer;

import java.util.Arrays;

/** A binary min-heap of {@code long} keys, each carrying an {@code int}: the merge queue of BPE and SPM. */
final class MinHeap {
    private long[] keys;
    private int[] values;
    private int size;

    MinHeap(int capacity) {
        keys = new long[Math.max(8, capacity)];
        values = new int[keys.length];
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(long key, int value) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) break;
            keys[i] = keys[parent];
            values[i] = values[parent];
            i = parent;
        }
        keys[i] = key;
        values[i] = value;
    }

    long topKey() {
        return keys[0];
    }

    int topValue() {
        return values[0];
    }

    void pop() {
        long key = keys[--size];
        int value = values[size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && keys[child + 1] < keys[child]) child++;
            if (key <= keys[child]) break;
            keys[i] = keys[child];
            values[i] = values[child];
            i = child;
        }
        keys[i] = key;
        values[i] = value;
    }
}
