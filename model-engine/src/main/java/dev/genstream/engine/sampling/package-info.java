/**
 * Next-token sampling that is bit-reproducible and resumable: logit processors in llama.cpp's default order
 * (penalties, top-k, top-p, min-p, temperature) and a counter-based draw, {@code uniform(seed, tokenIndex)}, that
 * never advances shared state. See {@link dev.genstream.engine.sampling.Sampler} for the exact semantics.
 */
package dev.genstream.engine.sampling;
