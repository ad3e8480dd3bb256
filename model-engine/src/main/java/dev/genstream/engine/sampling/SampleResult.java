package dev.genstream.engine.sampling;

import java.util.List;

/**
 * The picked token and what the model thought of it.
 *
 * <p>Logprobs are natural logs of the <b>raw</b> logits' log-softmax: the model's own distribution, before
 * penalties, truncation and temperature (as in OpenAI's API). So they do not depend on the sampling parameters,
 * and a token that was filtered out still has its model logprob.
 *
 * @param token       the chosen token id
 * @param logprob     its raw log-softmax value
 * @param topLogprobs the {@code params.logprobs()} most likely tokens, descending (ties: lower id first);
 *                    empty when not requested. The chosen token may or may not be among them.
 */
public record SampleResult(int token, double logprob, List<TokenLogprob> topLogprobs) {

    public SampleResult {
        topLogprobs = List.copyOf(topLogprobs);
    }
}
