package dev.genstream.engine.model;

/** A model file this engine cannot run: an unknown architecture or inconsistent hyperparameters. */
public final class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
