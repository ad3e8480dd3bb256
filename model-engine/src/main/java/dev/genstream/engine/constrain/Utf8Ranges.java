package dev.genstream.engine.constrain;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a code point range into UTF-8 byte-range sequences, so the grammar runs on bytes: each sequence is one
 * byte range per encoded byte, and the union of the sequences encodes exactly the range (surrogates excluded).
 */
final class Utf8Ranges {
    private Utf8Ranges() {}

    /** Each element is {lo0, hi0, lo1, hi1, ...}: the byte ranges of one sequence. */
    static List<int[]> sequences(int lo, int hi) {
        List<int[]> out = new ArrayList<>();
        if (lo <= 0xD7FF) split(lo, Math.min(hi, 0xD7FF), out);
        if (hi >= 0xE000) split(Math.max(lo, 0xE000), hi, out);
        return out;
    }

    private static void split(int lo, int hi, List<int[]> out) {
        if (lo > hi) return;
        for (int b : new int[] {0x7F, 0x7FF, 0xFFFF}) {
            if (lo <= b && hi > b) {
                split(lo, b, out);
                split(b + 1, hi, out);
                return;
            }
        }
        int n = length(lo);
        for (int i = 1; i < n; i++) {
            int m = (1 << (6 * i)) - 1;
            if ((lo & ~m) != (hi & ~m)) {
                if ((lo & m) != 0) {
                    split(lo, lo | m, out);
                    split((lo | m) + 1, hi, out);
                    return;
                }
                if ((hi & m) != m) {
                    split(lo, (hi & ~m) - 1, out);
                    split(hi & ~m, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo), z = encode(hi);
        int[] seq = new int[2 * n];
        for (int i = 0; i < n; i++) {
            seq[2 * i] = a[i] & 0xFF;
            seq[2 * i + 1] = z[i] & 0xFF;
        }
        out.add(seq);
    }

    static int length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    static byte[] encode(int cp) {
        return new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
