package dev.genstream.engine.constrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The grammar's pushdown automaton, determinized lazily. A parse position is a stack of grammar positions
 * (llama.cpp's "stack"); stacks are hash-consed, so a set of stacks is a canonical {@link State}, and the
 * transition of a state on a byte is computed once and kept in the state. A mask walk over the token trie then
 * costs one array read per trie edge once the states it meets are known.
 *
 * <p>Thread-safe: every method that may create states locks the automaton.
 */
final class Automaton {
    /** One grammar stack, hash-consed: {@code pos} in the current alternative, {@code parent} the return point. */
    static final class Node {
        final int pos;
        final Node parent;
        final int id;
        final int minBytes;

        Node(int pos, Node parent, int id, int minBytes) {
            this.pos = pos;
            this.parent = parent;
            this.id = id;
            this.minBytes = minBytes;
        }
    }

    /** A canonical set of stacks whose tops are terminals, and whether the input so far is a complete match. */
    static final class State {
        final Node[] tops;
        final boolean accepts;
        /** Fewest further bytes that complete a match. */
        final int minBytes;
        /** Bytes some top accepts. */
        final long[] first = new long[4];
        final State[] next = new State[256];

        State(Node[] tops, boolean accepts, Grammar g) {
            this.tops = tops;
            this.accepts = accepts;
            int min = accepts ? 0 : Integer.MAX_VALUE;
            for (Node n : tops) {
                min = Math.min(min, n.minBytes);
                long[] t = g.terminals[-g.elems[n.pos] - 1];
                for (int i = 0; i < 4; i++) first[i] |= t[i];
            }
            this.minBytes = min;
        }

        boolean dead() {
            return tops.length == 0 && !accepts;
        }

        boolean accepts() {
            return accepts;
        }

        boolean canContinue() {
            return tops.length > 0;
        }
    }

    private record NodeKey(int pos, int parent) {}

    private record StateKey(List<Integer> ids, boolean accepts) {}

    private final Grammar g;
    /** Fewest bytes from each element position to the end of its alternative. */
    private final int[] restLen;
    private final Map<NodeKey, Node> nodes = new HashMap<>();
    private final Map<StateKey, State> states = new HashMap<>();
    private final State start;
    final State dead;

    Automaton(Grammar g) {
        this.g = g;
        this.restLen = new int[g.elems.length];
        for (int p = g.elems.length - 1; p >= 0; p--) {
            int e = g.elems[p];
            restLen[p] = e == Grammar.END ? 0 : restLen[p + 1] + (e < 0 ? 1 : g.minLen[e]);
        }
        this.dead = state(new ArrayList<>(), false);
        List<Node> tops = new ArrayList<>();
        boolean[] accepts = new boolean[1];
        Set<Integer> seen = new HashSet<>();
        for (int a : g.alts[g.root]) expand(node(a, null), tops, accepts, seen);
        this.start = state(tops, accepts[0]);
    }

    State start() {
        return start;
    }

    /** The state after one more byte; {@link #dead} when the byte cannot continue any stack. */
    synchronized State next(State s, int b) {
        return step(s, b);
    }

    /** As {@link #next}, for callers that already hold the lock. */
    State step(State s, int b) {
        State n = s.next[b];
        if (n != null) return n;
        if (!Grammar.has(s.first, b)) return dead;
        List<Node> tops = new ArrayList<>();
        boolean[] accepts = new boolean[1];
        Set<Integer> seen = new HashSet<>();
        for (Node top : s.tops) {
            if (Grammar.has(g.terminals[-g.elems[top.pos] - 1], b)) expand(node(top.pos + 1, top.parent), tops, accepts, seen);
        }
        n = state(tops, accepts[0]);
        s.next[b] = n;
        return n;
    }

    /** Follows rule references and ends of alternatives until every stack has a terminal on top. */
    private void expand(Node n, List<Node> tops, boolean[] accepts, Set<Integer> seen) {
        if (!seen.add(n.id)) return;
        int e = g.elems[n.pos];
        if (e == Grammar.END) {
            if (n.parent == null) accepts[0] = true;
            else expand(n.parent, tops, accepts, seen);
        } else if (e < 0) {
            tops.add(n);
        } else {
            Node ret = g.elems[n.pos + 1] == Grammar.END ? n.parent : node(n.pos + 1, n.parent); // tail call: no frame
            for (int a : g.alts[e]) expand(node(a, ret), tops, accepts, seen);
        }
    }

    private Node node(int pos, Node parent) {
        NodeKey k = new NodeKey(pos, parent == null ? -1 : parent.id);
        Node n = nodes.get(k);
        if (n == null) {
            n = new Node(pos, parent, nodes.size(), restLen[pos] + (parent == null ? 0 : parent.minBytes));
            nodes.put(k, n);
        }
        return n;
    }

    private State state(List<Node> tops, boolean accepts) {
        Node[] arr = tops.toArray(new Node[0]);
        Arrays.sort(arr, (a, b) -> Integer.compare(a.id, b.id));
        List<Integer> ids = new ArrayList<>(arr.length);
        for (Node n : arr) ids.add(n.id);
        StateKey k = new StateKey(ids, accepts);
        State s = states.get(k);
        if (s == null) {
            s = new State(arr, accepts, g);
            states.put(k, s);
        }
        return s;
    }

    synchronized int stateCount() {
        return states.size();
    }
}
