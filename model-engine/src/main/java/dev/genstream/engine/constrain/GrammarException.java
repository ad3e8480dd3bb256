package dev.genstream.engine.constrain;

/** A grammar or schema that cannot be compiled into a constraint; the message says where and why. */
public class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
