package dev.genstream.engine.gguf;

/** A GGUF file that cannot be read: bad magic, truncation, impossible sizes, or an unsupported feature. */
public class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
