package dev.genstream.engine.constrain;

import dev.genstream.engine.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The vocabulary's decoded token bytes as a trie, flattened into arrays: tokens that share a prefix share the
 * walk over it, so a mask visits each distinct prefix once instead of each token's bytes. End-of-generation
 * tokens are kept apart; other tokens with no bytes (controls) are never allowed under a constraint.
 */
final class TokenTrie {
    private static final Map<Tokenizer, TokenTrie> CACHE = new WeakHashMap<>();

    final int vocab;
    final int[] eog;
    /** Per node: first edge, edge count, first token, token count (4 ints). */
    final int[] nodeInfo;
    final byte[] edgeByte;
    final int[] edgeTarget;
    final int[] tokenIds;
    final int nodes;
    /** Whether each of the 256 bytes is a token on its own, so any byte string can be written one byte per token. */
    final boolean everyByteIsAToken;

    private int nodeCount, edgeCount, tokenCount;

    static synchronized TokenTrie of(Tokenizer t) {
        return CACHE.computeIfAbsent(t, TokenTrie::new);
    }

    private TokenTrie(Tokenizer t) {
        this.vocab = t.vocabSize();
        this.eog = t.endOfGenerationIds().stream().mapToInt(Integer::intValue).toArray();
        byte[][] bytes = new byte[vocab][];
        Integer[] order = new Integer[vocab];
        int n = 0, total = 0;
        boolean[] single = new boolean[256];
        for (int id = 0; id < vocab; id++) {
            if (t.isEndOfGeneration(id)) continue;
            byte[] b = t.tokenBytes(id);
            if (b.length == 0) continue;
            bytes[id] = b;
            order[n++] = id;
            total += b.length;
            if (b.length == 1) single[b[0] & 0xFF] = true;
        }
        boolean all = true;
        for (boolean s : single) all &= s;
        this.everyByteIsAToken = all;
        Integer[] ids = Arrays.copyOf(order, n);
        Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        int maxNodes = total + 1;
        int[] info = new int[4 * maxNodes];
        byte[] eb = new byte[maxNodes];
        int[] et = new int[maxNodes];
        int[] toks = new int[n];
        nodeCount = 1;
        build(0, ids, bytes, 0, n, 0, info, eb, et, toks);
        this.nodes = nodeCount;
        this.nodeInfo = Arrays.copyOf(info, 4 * nodeCount);
        this.edgeByte = Arrays.copyOf(eb, edgeCount);
        this.edgeTarget = Arrays.copyOf(et, edgeCount);
        this.tokenIds = toks;
    }

    /** Fills node {@code node} from the sorted ids[lo, hi) that all share their first {@code depth} bytes. */
    private void build(int node, Integer[] ids, byte[][] bytes, int lo, int hi, int depth, int[] info, byte[] eb, int[] et, int[] toks) {
        int i = lo;
        info[4 * node + 2] = tokenCount;
        while (i < hi && bytes[ids[i]].length == depth) toks[tokenCount++] = ids[i++];
        info[4 * node + 3] = tokenCount - info[4 * node + 2];
        int groups = 0;
        for (int j = i; j < hi; ) {
            int b = bytes[ids[j]][depth];
            while (j < hi && bytes[ids[j]][depth] == b) j++;
            groups++;
        }
        int firstEdge = edgeCount;
        info[4 * node] = firstEdge;
        info[4 * node + 1] = groups;
        edgeCount += groups;
        int e = firstEdge;
        for (int j = i; j < hi; e++) {
            byte b = bytes[ids[j]][depth];
            int k = j;
            while (k < hi && bytes[ids[k]][depth] == b) k++;
            int child = nodeCount++;
            eb[e] = b;
            et[e] = child;
            build(child, ids, bytes, j, k, depth + 1, info, eb, et, toks);
            j = k;
        }
    }
}
