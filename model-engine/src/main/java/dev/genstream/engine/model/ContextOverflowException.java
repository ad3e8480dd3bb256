package dev.genstream.engine.model;

/** More tokens than the sequence's context can hold. */
public final class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(int used, int adding, int capacity) {
        super("context overflow: " + used + " tokens in context + " + adding + " new would exceed the context size of "
                + capacity + " tokens");
    }
}
