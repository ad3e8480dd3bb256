package dev.genstream.engine.chat;

/** A template that cannot be parsed, or that fails while rendering (including its own {@code raise_exception}). */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
