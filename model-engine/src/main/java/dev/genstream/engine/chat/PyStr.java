package dev.genstream.engine.chat;

import java.util.BitSet;

/**
 * A Python {@code str} whose characters remember whether they came from user content (message text, tool
 * arguments) or from the template. Equality, hashing and ordering look at the text only; every string operation of
 * the interpreter carries the marks along, so the rendering can be tokenized with special tokens parsed in template
 * text only.
 */
public final class PyStr implements Comparable<PyStr>, CharSequence {
    static final PyStr EMPTY = new PyStr("", null);

    final String text;
    /** Marks of user characters; null when there are none. */
    private final BitSet user;

    private PyStr(String text, BitSet user) {
        this.text = text;
        this.user = user == null || user.isEmpty() ? null : user;
    }

    /** Template text. */
    public static PyStr of(String s) {
        return s.isEmpty() ? EMPTY : new PyStr(s, null);
    }

    /** User content. */
    public static PyStr user(String s) {
        if (s.isEmpty()) return EMPTY;
        BitSet b = new BitSet(s.length());
        b.set(0, s.length());
        return new PyStr(s, b);
    }

    public boolean isUser(int i) {
        return user != null && user.get(i);
    }

    public boolean hasUser() {
        return user != null;
    }

    /** Python slice s[from:to] (indices already clamped). */
    public PyStr substring(int from, int to) {
        if (from == 0 && to == text.length()) return this;
        return new PyStr(text.substring(from, to), user == null ? null : user.get(from, to));
    }

    public PyStr substring(int from) {
        return substring(from, text.length());
    }

    public PyStr concat(PyStr o) {
        if (o.text.isEmpty()) return this;
        if (text.isEmpty()) return o;
        return new Builder().append(this).append(o).build();
    }

    /** The same text with every character marked user when any of {@code sources} has a user character. */
    static PyStr derived(String s, PyStr... sources) {
        for (PyStr p : sources) if (p != null && p.hasUser()) return user(s);
        return of(s);
    }

    @Override public int length() { return text.length(); }
    @Override public char charAt(int i) { return text.charAt(i); }
    @Override public CharSequence subSequence(int from, int to) { return substring(from, to); }
    @Override public String toString() { return text; }
    @Override public int hashCode() { return text.hashCode(); }
    @Override public boolean equals(Object o) { return o instanceof PyStr p && p.text.equals(text); }
    @Override public int compareTo(PyStr o) { return compareCodePoints(text, o.text); }

    /** Python orders strings by code point, Java by UTF-16 unit. */
    static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Appends strings with their marks. */
    public static final class Builder {
        private final StringBuilder sb = new StringBuilder();
        private final BitSet user = new BitSet();

        public Builder append(PyStr s) {
            int at = sb.length();
            sb.append(s.text);
            if (s.user != null) for (int i = s.user.nextSetBit(0); i >= 0; i = s.user.nextSetBit(i + 1)) user.set(at + i);
            return this;
        }

        public Builder append(String s) {
            sb.append(s);
            return this;
        }

        public Builder append(char c, boolean isUser) {
            if (isUser) user.set(sb.length());
            sb.append(c);
            return this;
        }

        public int length() {
            return sb.length();
        }

        public PyStr build() {
            return new PyStr(sb.toString(), (BitSet) user.clone());
        }
    }
}
