package dev.genstream.engine.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Cuts special-token texts out of the input before the model tokenizer sees it, as llama.cpp's
 * {@code tokenizer_st_partition}: special tokens are tried longest first, each splitting every text fragment left
 * by the previous ones. User-defined tokens are always cut; control and unknown tokens only with parseSpecial.
 */
final class SpecialTokenSplitter {
    /** A special token ({@code token >= 0}) or the raw text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
        boolean isText() {
            return token < 0;
        }
    }

    private final Vocab vocab;
    // a trie of the special texts, only to learn which of them occur at all (few do, and most texts contain none)
    private final LongIntMap edges = new LongIntMap(1024);
    private final IntList terminal = new IntList(); // node -> rank in vocab.specials, or -1

    SpecialTokenSplitter(Vocab vocab) {
        this.vocab = vocab;
        terminal.add(-1);
        for (int rank = 0; rank < vocab.specials.length; rank++) {
            String t = vocab.tokens[vocab.specials[rank]];
            int node = 0;
            for (int i = 0; i < t.length(); i++) {
                long key = (long) node << 16 | t.charAt(i);
                int child = edges.putIfAbsent(key, terminal.size());
                if (child == terminal.size()) terminal.add(-1);
                node = child;
            }
            if (terminal.get(node) < 0) terminal.set(node, rank);
        }
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        return split(text, parseSpecial, null);
    }

    /**
     * As {@link #split(String, boolean)} with parseSpecial, except that a control or unknown token is never cut
     * where any of its characters is marked in {@code userContent}: only text outside the marks becomes control ids.
     */
    List<Fragment> split(String text, boolean parseSpecial, BitSet userContent) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(new Fragment(-1, 0, text.length()));
        BitSet present = occurring(text);
        for (int rank = present.nextSetBit(0); rank >= 0; rank = present.nextSetBit(rank + 1)) {
            int id = vocab.specials[rank];
            if (!parseSpecial && vocab.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) continue;
            boolean guarded = userContent != null && vocab.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN);
            fragments = cut(text, fragments, id, guarded ? userContent : null);
        }
        return fragments;
    }

    private BitSet occurring(String text) {
        BitSet present = new BitSet();
        for (int i = 0; i < text.length(); i++) {
            int node = 0;
            for (int j = i; j < text.length(); j++) {
                node = edges.get((long) node << 16 | text.charAt(j));
                if (node < 0) break;
                int rank = terminal.get(node);
                if (rank >= 0) present.set(rank);
            }
        }
        return present;
    }

    private List<Fragment> cut(String text, List<Fragment> fragments, int id, BitSet forbidden) {
        String special = vocab.tokens[id];
        boolean lstrip = vocab.has(id, TokenAttr.LSTRIP);
        boolean rstrip = vocab.has(id, TokenAttr.RSTRIP);
        List<Fragment> out = new ArrayList<>(fragments.size() + 4);
        for (Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f);
                continue;
            }
            int pos = f.start();
            int end = f.end();
            while (true) {
                int match = text.indexOf(special, pos, end);
                while (match >= 0 && forbidden != null && forbidden.nextSetBit(match) >= 0
                        && forbidden.nextSetBit(match) < match + special.length()) {
                    match = text.indexOf(special, match + 1, end);
                }
                if (match < 0) {
                    if (pos < end) out.add(new Fragment(-1, pos, end));
                    break;
                }
                int leftEnd = match;
                if (lstrip) {
                    while (leftEnd > pos && isSpace(text.charAt(leftEnd - 1))) leftEnd--;
                }
                if (leftEnd > pos) out.add(new Fragment(-1, pos, leftEnd));
                out.add(new Fragment(id, match, match + special.length()));
                pos = match + special.length();
                if (rstrip) {
                    while (pos < end && isSpace(text.charAt(pos))) pos++;
                }
            }
        }
        return out;
    }

    /** C's isspace, which llama.cpp applies to the bytes around a stripping special token. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
