package dev.genstream.engine.generate;

import dev.genstream.engine.model.KvCache;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Keys and values of token sequences seen before, so a request whose context starts the same way (a conversation's
 * history, a bulk job's shared system prompt) skips prefilling that part. A KV row depends only on the tokens up to
 * its position, and our logits do not depend on how a prompt was chunked, so a hit is bit-exact: restored rows are
 * the very floats a prefill would write. Any entry sharing a leading run with the request serves, not only one that
 * is wholly its prefix. Entries are exact-size copies; the least recently used go first when the byte budget is
 * exceeded. Lookups scan the entries (a few hundred at most in practice), stopping at each one's first difference.
 */
public final class PrefixCache {
    /** Counters for metrics and tests. */
    public record Stats(int entries, long bytes, long budget, long lookups, long hits, long reusedTokens, long evictions) {}

    private record Entry(int[] tokens, KvCache kv, long bytes) {}

    private final long budget;
    private final LinkedHashSet<Entry> entries = new LinkedHashSet<>(); // least recently used first
    private long bytes, lookups, hits, reusedTokens, evictions;

    /** @param budget bytes of keys, values and token ids the entries may hold together */
    public PrefixCache(long budget) {
        if (budget <= 0) throw new IllegalArgumentException("the prefix cache budget must be positive, got " + budget);
        this.budget = budget;
    }

    /**
     * Restores into the empty {@code into} the longest cached run of leading {@code tokens}, at most {@code limit}
     * of them, and returns its length (0 on a miss).
     */
    public synchronized int restore(int[] tokens, int limit, KvCache into) {
        lookups++;
        Entry best = null;
        int bestLength = 0;
        for (Entry e : entries) {
            int n = Math.min(commonPrefix(e.tokens(), tokens), limit);
            if (n > bestLength) {
                best = e;
                bestLength = n;
            }
        }
        if (best == null) return 0;
        into.restorePrefix(best.kv(), bestLength);
        touch(best);
        hits++;
        reusedTokens += bestLength;
        return bestLength;
    }

    /**
     * Keeps a copy of the first {@code tokens.length} positions of {@code kv}, which hold those tokens. Entries that
     * are prefixes of it are dropped (it serves them all); if it is itself a prefix of an entry, that entry is kept
     * instead. An entry larger than the whole budget is not kept.
     */
    public synchronized void store(int[] tokens, KvCache kv) {
        if (tokens.length == 0 || tokens.length > kv.length()) throw new IllegalArgumentException("the cache holds " + kv.length() + " of " + tokens.length + " tokens");
        long size = tokens.length * (kv.bytesPerPosition() + Integer.BYTES);
        if (size > budget) return;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            int common = commonPrefix(e.tokens(), tokens);
            if (common == tokens.length) {
                touch(e);
                return;
            }
            if (common == e.tokens().length) {
                it.remove();
                bytes -= e.bytes();
            }
        }
        entries.add(new Entry(Arrays.copyOf(tokens, tokens.length), kv.copyPrefix(tokens.length), size));
        bytes += size;
        for (Iterator<Entry> it = entries.iterator(); bytes > budget; ) {
            Entry oldest = it.next();
            it.remove();
            bytes -= oldest.bytes();
            evictions++;
        }
    }

    public synchronized Stats stats() {
        return new Stats(entries.size(), bytes, budget, lookups, hits, reusedTokens, evictions);
    }

    private void touch(Entry e) {
        entries.remove(e);
        entries.add(e);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Arrays.mismatch(a, b);
        return n < 0 ? a.length : n;
    }
}
