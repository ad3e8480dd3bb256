package dev.genstream.engine.sampling;

/**
 * Rewrites a working copy of the logits before sampling (after penalties), e.g. a constraint's token mask that
 * sets forbidden tokens to -infinity. Must be deterministic: the same state gives the same rewrite.
 */
@FunctionalInterface
public interface LogitProcessor {
    void apply(float[] logits);
}
