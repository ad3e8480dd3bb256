package dev.genstream.engine.constrain;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A context-free grammar over bytes, compiled from GBNF: every rule is a list of alternatives, each a sequence of
 * byte-set terminals and rule references. Character classes and literals are already UTF-8 bytes, and repetitions
 * are already helper rules, so matching never decodes text. Immutable; its {@link Automaton} is built lazily and
 * shared by every sequence that uses the grammar.
 *
 * <p>Layout (as llama.cpp's): {@code elems} holds all alternatives back to back, each ended by {@link #END};
 * an element {@code >= 0} references that rule, {@code < 0} is terminal {@code -e-1}.
 */
public final class Grammar {
    static final int END = Integer.MIN_VALUE;

    final int[] elems;
    final int[][] alts;
    final long[][] terminals;
    final String[] ruleNames;
    final int root;
    /** Fewest bytes each rule can produce. */
    final int[] minLen;
    private final String source;
    private volatile Automaton automaton;

    Grammar(int[] elems, int[][] alts, long[][] terminals, String[] ruleNames, int root, String source) {
        this.elems = elems;
        this.alts = alts;
        this.terminals = terminals;
        this.ruleNames = ruleNames;
        this.root = root;
        this.source = source;
        checkLeftRecursion();
        this.minLen = minLengths();
    }

    /** Parses llama.cpp's GBNF dialect; the start rule is {@code root}. */
    public static Grammar parse(String gbnf) {
        return new GbnfParser(gbnf).parse();
    }

    /** The GBNF text this grammar was parsed from. */
    public String source() {
        return source;
    }

    public int ruleCount() {
        return alts.length;
    }

    Automaton automaton() {
        Automaton a = automaton;
        if (a == null) {
            synchronized (this) {
                if (automaton == null) automaton = new Automaton(this);
                a = automaton;
            }
        }
        return a;
    }

    /** Whether the grammar derives exactly these bytes (a full match from root). */
    public boolean matches(byte[] text) {
        Automaton a = automaton();
        Automaton.State s = a.start();
        for (byte b : text) {
            s = a.next(s, b & 0xFF);
            if (s.dead()) return false;
        }
        return s.accepts();
    }

    static boolean has(long[] set, int b) {
        return (set[b >>> 6] & (1L << b)) != 0;
    }

    private int[] minLengths() {
        int inf = Integer.MAX_VALUE / 4;
        int[] len = new int[alts.length];
        Arrays.fill(len, inf);
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < alts.length; r++) {
                for (int start : alts[r]) {
                    int sum = 0;
                    for (int p = start; elems[p] != END && sum < inf; p++) sum += elems[p] < 0 ? 1 : len[elems[p]];
                    if (sum < len[r]) {
                        len[r] = Math.min(sum, inf);
                        changed = true;
                    }
                }
            }
        }
        for (int r = 0; r < len.length; r++) {
            if (len[r] >= inf) throw new GrammarException("rule '" + ruleNames[r] + "' can never finish (every alternative recurses forever)");
        }
        return len;
    }

    /** A rule that can reach itself without consuming a byte would expand forever; llama.cpp rejects it too. */
    private void checkLeftRecursion() {
        boolean[] nullable = new boolean[alts.length];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < alts.length; r++) {
                if (nullable[r]) continue;
                for (int start : alts[r]) {
                    int p = start;
                    while (elems[p] != END && elems[p] >= 0 && nullable[elems[p]]) p++;
                    if (elems[p] == END) {
                        nullable[r] = changed = true;
                        break;
                    }
                }
            }
        }
        int[] color = new int[alts.length]; // 0 new, 1 on the path, 2 done
        for (int r = 0; r < alts.length; r++) if (color[r] == 0) visit(r, nullable, color);
    }

    private void visit(int rule, boolean[] nullable, int[] color) {
        Deque<int[]> stack = new ArrayDeque<>(); // {rule, next left-corner index}
        color[rule] = 1;
        stack.push(new int[] {rule, 0});
        while (!stack.isEmpty()) {
            int[] top = stack.peek();
            List<Integer> corners = leftCorners(top[0], nullable);
            if (top[1] == corners.size()) {
                color[top[0]] = 2;
                stack.pop();
                continue;
            }
            int next = corners.get(top[1]++);
            if (color[next] == 1) throw new GrammarException("left recursion: rule '" + ruleNames[next] + "' can reach itself without consuming input");
            if (color[next] == 0) {
                color[next] = 1;
                stack.push(new int[] {next, 0});
            }
        }
    }

    private List<Integer> leftCorners(int rule, boolean[] nullable) {
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (int start : alts[rule]) {
            for (int p = start; elems[p] != END && elems[p] >= 0; p++) {
                out.add(elems[p]);
                if (!nullable[elems[p]]) break;
            }
        }
        return out;
    }
}
