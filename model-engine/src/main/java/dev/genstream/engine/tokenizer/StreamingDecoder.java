package dev.genstream.engine.tokenizer;

/**
 * Turns token ids, fed one at a time, into text without ever emitting half a character: a token can end in the
 * middle of a UTF-8 sequence (byte-level BPE splits emoji and CJK across tokens), so incomplete trailing bytes wait
 * for the next token. Ill-formed bytes become U+FFFD as soon as they are provably ill-formed (one per maximal
 * ill-formed subsequence, as Java's and most UTF-8 decoders do); an incomplete sequence left at {@link #flush()}
 * becomes one U+FFFD. Not thread-safe.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private boolean stripLeadingSpace;
    private final byte[] pending = new byte[3];
    private int pendingLength;
    private final StringBuilder out = new StringBuilder(32);

    StreamingDecoder(Tokenizer tokenizer, boolean renderSpecial, boolean stripLeadingSpace) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
        this.stripLeadingSpace = stripLeadingSpace;
    }

    /** The text that {@code id} completes; often empty while a character is still incomplete. */
    public String feed(int id) {
        byte[] piece = tokenizer.pieceView(id, renderSpecial);
        int from = 0;
        if (stripLeadingSpace && piece.length > 0) {
            stripLeadingSpace = false;
            if (piece[0] == ' ') from = 1;
        }
        out.setLength(0);
        decode(piece, from, false);
        return out.toString();
    }

    /** The text still held back (an incomplete character, as U+FFFD); the decoder is then empty. */
    public String flush() {
        out.setLength(0);
        decode(new byte[0], 0, true);
        return out.toString();
    }

    /** Whether bytes of an incomplete character are waiting. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    private void decode(byte[] piece, int from, boolean last) {
        byte[] buf;
        int n;
        if (pendingLength == 0) {
            buf = piece;
            n = piece.length;
        } else {
            n = pendingLength + piece.length - from;
            buf = new byte[n];
            System.arraycopy(pending, 0, buf, 0, pendingLength);
            System.arraycopy(piece, from, buf, pendingLength, piece.length - from);
            from = 0;
            pendingLength = 0;
        }
        int i = from;
        while (i < n) {
            int b0 = buf[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) lo = 0xA0;
                if (b0 == 0xED) hi = 0x9F; // no surrogates
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) lo = 0x90;
                if (b0 == 0xF4) hi = 0x8F; // nothing past U+10FFFF
            } else {
                out.append('\uFFFD');
                i++;
                continue;
            }
            int cp = b0 & (0x3F >> need);
            int j = i + 1;
            boolean bad = false;
            for (int k = 0; k < need; k++, j++) {
                if (j >= n) {
                    if (last) {
                        out.append('\uFFFD');
                    } else {
                        pendingLength = n - i;
                        System.arraycopy(buf, i, pending, 0, pendingLength);
                    }
                    return;
                }
                int b = buf[j] & 0xFF;
                if (b < (k == 0 ? lo : 0x80) || b > (k == 0 ? hi : 0xBF)) {
                    bad = true;
                    break;
                }
                cp = cp << 6 | (b & 0x3F);
            }
            if (bad) {
                out.append('\uFFFD');
                i = j;
            } else {
                out.appendCodePoint(cp);
                i = j;
            }
        }
    }
}
