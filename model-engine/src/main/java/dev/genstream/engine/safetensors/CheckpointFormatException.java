package dev.genstream.engine.safetensors;

/** An HF checkpoint directory that cannot be read: the message names the file and what is wrong. */
public final class CheckpointFormatException extends RuntimeException {
    public CheckpointFormatException(String message) {
        super(message);
    }
}
