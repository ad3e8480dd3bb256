package dev.genstream.engine.model;

import java.util.List;

/** Flattened rows of a batch: each row's token, position and cache. */
record Rows(int[] token, int[] pos, KvCache[] cache, int maxPos) {
    int count() {
        return token.length;
    }

    static Rows of(List<Transformer.Step> batch, ModelConfig c) {
        int n = 0;
        for (Transformer.Step s : batch) {
            if (s.tokens().length == 0) throw new IllegalArgumentException("a batch step has no tokens");
            s.cache().reserve(s.tokens().length);
            n += s.tokens().length;
        }
        int[] token = new int[n], pos = new int[n];
        KvCache[] cache = new KvCache[n];
        int r = 0, maxPos = 0;
        for (Transformer.Step s : batch) {
            for (int j = 0; j < s.tokens().length; j++, r++) {
                token[r] = s.tokens()[j];
                pos[r] = s.cache().length() + j;
                cache[r] = s.cache();
                maxPos = Math.max(maxPos, pos[r]);
            }
        }
        return new Rows(token, pos, cache, maxPos);
    }
}
