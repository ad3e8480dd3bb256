package dev.genstream.engine.tokenizer;

import java.util.Arrays;

/** A growable {@code int[]}, to keep token ids and offsets unboxed. */
final class IntList {
    private int[] a;
    private int size;

    IntList() {
        this(16);
    }

    IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == a.length) a = Arrays.copyOf(a, a.length * 2);
        a[size++] = v;
    }

    void addAll(int[] vs) {
        if (size + vs.length > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, size + vs.length));
        System.arraycopy(vs, 0, a, size, vs.length);
        size += vs.length;
    }

    int get(int i) {
        return a[i];
    }

    void set(int i, int v) {
        a[i] = v;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    int[] toArray() {
        return Arrays.copyOf(a, size);
    }
}
