package dev.genstream.engine.tokenizer;

/**
 * Token text to id, probed with a {@code char[]} range so lookups on the hot path build no strings. The first id
 * wins when a text repeats.
 */
final class TokenIndex {
    private final String[] texts;
    private final int[] slots; // id + 1, 0 = empty
    private final int maxLength;

    TokenIndex(String[] texts) {
        this.texts = texts;
        slots = new int[Integer.highestOneBit(Math.max(4, texts.length * 2 - 1)) << 1];
        int mask = slots.length - 1;
        int max = 0;
        for (int id = 0; id < texts.length; id++) {
            String t = texts[id];
            max = Math.max(max, t.length());
            for (int i = t.hashCode() & mask; ; i = (i + 1) & mask) {
                if (slots[i] == 0) {
                    slots[i] = id + 1;
                    break;
                }
                if (texts[slots[i] - 1].equals(t)) break;
            }
        }
        maxLength = max;
    }

    /** Length of the longest token text, in chars. */
    int maxLength() {
        return maxLength;
    }

    int find(String s) {
        int mask = slots.length - 1;
        for (int i = s.hashCode() & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) return -1;
            if (texts[slot - 1].equals(s)) return slot - 1;
        }
    }

    int find(char[] a, int from, int to) {
        int len = to - from;
        if (len > maxLength) return -1;
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + a[i];
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) return -1;
            String t = texts[slot - 1];
            if (t.length() == len && t.hashCode() == h && matches(t, a, from)) return slot - 1;
        }
    }

    private static boolean matches(String t, char[] a, int from) {
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) != a[from + i]) return false;
        }
        return true;
    }
}
