package dev.genstream.engine.tokenizer;

import java.util.Arrays;

/** GPT-2's reversible byte to printable-char mapping, used by byte-level BPE vocabularies. */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a char stands for, or -1. */
    static int decode(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    static String encode(byte[] bytes, int from, int to) {
        char[] c = new char[to - from];
        for (int i = from; i < to; i++) c[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(c);
    }
}
