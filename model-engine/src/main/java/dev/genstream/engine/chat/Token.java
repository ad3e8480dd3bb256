package dev.genstream.engine.chat;

/** One lexical token of a template: literal text, a tag delimiter, or a piece of an expression. */
record Token(Kind kind, String value, int pos) {
    enum Kind { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    boolean is(Kind k, String v) {
        return kind == k && value.equals(v);
    }

    boolean isOp(String v) {
        return is(Kind.OP, v);
    }

    boolean isName(String v) {
        return is(Kind.NAME, v);
    }
}
