package dev.genstream.engine.constrain;

/** A schema uses a keyword (or value) the compiler does not support; it is rejected, never silently relaxed. */
public final class UnsupportedSchemaException extends GrammarException {
    private final String keyword;

    public UnsupportedSchemaException(String keyword, String where) {
        super("unsupported schema keyword '" + keyword + "' at " + where);
        this.keyword = keyword;
    }

    public UnsupportedSchemaException(String keyword, String where, String detail) {
        super("unsupported schema keyword '" + keyword + "' at " + where + ": " + detail);
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
