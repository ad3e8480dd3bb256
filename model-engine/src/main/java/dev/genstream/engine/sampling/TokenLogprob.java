package dev.genstream.engine.sampling;

/** A token and its natural-log probability under the model's raw distribution. */
public record TokenLogprob(int token, double logprob) {}
