package dev.genstream.engine.constrain;

import dev.genstream.engine.sampling.LogitProcessor;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * One generation's position in a grammar, and the token mask it imposes. Before each sample the caller sets
 * the token budget ({@link #budget}); the mask then allows a token only if the grammar can continue after its
 * bytes and can still be completed within the tokens left (see {@link #budget}), and end-of-generation only
 * when the text so far is a complete match.
 *
 * <p>The mask is a depth-first walk of the {@link TokenTrie}, each edge one cached automaton transition; subtrees
 * whose prefix is already rejected are skipped whole. Not thread-safe (one per sequence).
 */
public final class GrammarMatcher implements LogitProcessor {
    private final Automaton automaton;
    private final TokenTrie trie;
    private final long[] mask;
    private Automaton.State state;
    private int budget = Integer.MAX_VALUE;
    private int[] stackNode = new int[256];
    private Automaton.State[] stackState = new Automaton.State[256];

    public GrammarMatcher(Grammar grammar, Tokenizer tokenizer) {
        this.automaton = grammar.automaton();
        this.trie = TokenTrie.of(tokenizer);
        this.mask = new long[(trie.vocab + 63) >>> 6];
        this.state = automaton.start();
    }

    /**
     * Tokens left, counting the one about to be sampled. The rule that closes generation in time: a token is allowed
     * only if the shortest completion after it, counted in bytes, fits in the tokens left after it. Every byte is
     * a token of its own in byte-level vocabularies, so the shortest completion can always be written one byte a
     * token, and the last allowed token always completes the match. When even the start cannot fit (or the
     * vocabulary lacks single-byte tokens), the budget is ignored and the output may end incomplete.
     */
    public void budget(int tokensLeft) {
        this.budget = tokensLeft;
    }

    /** Whether the text so far is a complete match (end-of-generation is allowed). */
    public boolean complete() {
        return state.accepts();
    }

    /** Whether any byte may follow. */
    public boolean canContinue() {
        return state.canContinue();
    }

    /** Fewest bytes that would complete the match. */
    public int bytesToComplete() {
        return state.minBytes;
    }

    /** Advances over a sampled (or replayed) token; throws if the grammar does not allow it. */
    public void accept(int token, byte[] bytes, boolean endOfGeneration) {
        if (endOfGeneration) {
            if (!state.accepts()) throw new IllegalStateException("end of generation before the grammar is complete");
            return;
        }
        Automaton.State s = state;
        for (byte b : bytes) {
            s = automaton.next(s, b & 0xFF);
            if (s.dead()) throw new IllegalStateException("token " + token + " does not continue the grammar");
        }
        state = s;
    }

    @Override
    public void apply(float[] logits) {
        boolean bounded = trie.everyByteIsAToken && state.minBytes <= budget;
        computeMask(bounded ? budget : Integer.MAX_VALUE);
        if (isEmpty(mask)) throw new IllegalStateException("the grammar allows no token of this vocabulary here");
        for (int i = 0; i < trie.vocab; i++) if ((mask[i >>> 6] & (1L << i)) == 0) logits[i] = Float.NEGATIVE_INFINITY;
    }

    /** The allowed tokens as a bit set over the vocabulary (valid after {@link #apply}); for tests and benchmarks. */
    public long[] computeMask(int tokensLeft) {
        Arrays.fill(mask, 0);
        if (state.accepts()) for (int id : trie.eog) mask[id >>> 6] |= 1L << id;
        int limit = tokensLeft == Integer.MAX_VALUE ? Integer.MAX_VALUE : tokensLeft - 1;
        int[] info = trie.nodeInfo;
        synchronized (automaton) {
            int sp = 0;
            push(sp++, 0, state);
            while (sp > 0) {
                sp--;
                int node = stackNode[sp];
                Automaton.State s = stackState[sp];
                int e = info[4 * node], end = e + info[4 * node + 1];
                for (; e < end; e++) {
                    int b = trie.edgeByte[e] & 0xFF;
                    if ((s.first[b >>> 6] & (1L << b)) == 0) continue;
                    Automaton.State n = automaton.step(s, b);
                    if (n.dead()) continue;
                    int child = trie.edgeTarget[e];
                    if (n.minBytes <= limit) {
                        int t = info[4 * child + 2], tEnd = t + info[4 * child + 3];
                        for (; t < tEnd; t++) {
                            int id = trie.tokenIds[t];
                            mask[id >>> 6] |= 1L << id;
                        }
                    }
                    if (info[4 * child + 1] > 0) push(sp++, child, n);
                }
            }
        }
        return mask;
    }

    private void push(int sp, int node, Automaton.State s) {
        if (sp == stackNode.length) {
            stackNode = Arrays.copyOf(stackNode, sp * 2);
            stackState = Arrays.copyOf(stackState, sp * 2);
        }
        stackNode[sp] = node;
        stackState[sp] = s;
    }

    private static boolean isEmpty(long[] bits) {
        for (long w : bits) if (w != 0) return false;
        return true;
    }
}
