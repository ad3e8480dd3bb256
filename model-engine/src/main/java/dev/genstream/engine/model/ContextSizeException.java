package dev.genstream.engine.model;

/** A context size the model cannot serve, e.g. more positions than its learned position table has. */
public final class ContextSizeException extends RuntimeException {
    public ContextSizeException(String message) {
        super(message);
    }
}
