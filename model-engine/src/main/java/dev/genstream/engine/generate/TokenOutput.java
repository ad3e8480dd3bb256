package dev.genstream.engine.generate;

import dev.genstream.engine.sampling.TokenLogprob;
import java.util.List;

/**
 * One generated token. {@code text} is the text this step releases: whole UTF-8 characters only, minus anything
 * held back because it may begin a stop string. Concatenating every step's text gives the completion text.
 */
public record TokenOutput(int index, int tokenId, String text, double logprob, List<TokenLogprob> topLogprobs) {}
