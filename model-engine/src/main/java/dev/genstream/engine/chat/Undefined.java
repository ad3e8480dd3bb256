package dev.genstream.engine.chat;

/** Jinja's default {@code Undefined}: prints as nothing, is falsy and empty, and fails on any other use. */
final class Undefined {
    final String hint;

    Undefined(String hint) {
        this.hint = hint;
    }

    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    static Undefined attribute(Object owner, Object name) {
        return new Undefined("'" + Py.typeName(owner) + " object' has no attribute '" + name + "'");
    }

    TemplateException fail() {
        return new TemplateException(hint);
    }

    @Override public String toString() { return ""; }
}
