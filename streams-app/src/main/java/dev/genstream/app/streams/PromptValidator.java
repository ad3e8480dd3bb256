package dev.genstream.app.streams;

import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.sampling.CounterRng;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import java.util.List;

/**
 * Decides whether a prompt request can be served, and turns it into engine inputs. Pure: no Kafka, no state.
 * The model-independent rules are {@link RequestRules}, which the CLI applies too; this adds the model's own.
 * Until chat templates land, {@code messages} are rendered as plain "role: content" lines ending in "assistant:".
 */
public final class PromptValidator {
    /** A servable request: prompt ids, engine parameters and the seed actually used. */
    public record Accepted(int[] promptIds, GenerationParams params, long seed, boolean emitTokens) {}

    /** Why a request cannot be served. */
    public static final class Rejected extends Exception {
        private final ErrorCode code;

        public Rejected(ErrorCode code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    private final Tokenizer tokenizer;
    private final String alias;
    private final int contextSize;
    private final int maxTokensLimit;

    public PromptValidator(Tokenizer tokenizer, String alias, int contextSize, int maxTokensLimit) {
        this.tokenizer = tokenizer;
        this.alias = alias;
        this.contextSize = contextSize;
        this.maxTokensLimit = maxTokensLimit;
    }

    public Accepted validate(PromptRequest r) throws Rejected {
        List<RequestRules.Violation> broken = RequestRules.check(r, maxTokensLimit);
        if (!broken.isEmpty()) throw new Rejected(broken.get(0).code(), broken.get(0).toString());
        if (r.getModel() != null && !r.getModel().equals(alias)) {
            throw new Rejected(ErrorCode.UNKNOWN_MODEL, "unknown model alias '" + r.getModel() + "' (this service runs '" + alias + "')");
        }
        String text = promptText(r);
        int[] ids = tokenizer.encode(text, true, true);
        if (ids.length == 0) throw new Rejected(ErrorCode.EMPTY_PROMPT, "the prompt has no tokens");
        if (ids.length >= contextSize) {
            throw new Rejected(ErrorCode.PROMPT_TOO_LONG, "the prompt has " + ids.length + " tokens; the context holds " + contextSize);
        }
        dev.genstream.schemas.GenerationParams p = r.getParams() != null ? r.getParams() : dev.genstream.schemas.GenerationParams.newBuilder().build();
        long seed = p.getSeed() != null ? p.getSeed() : CounterRng.seedFor(r.getRequestId());
        try {
            SamplingParams sampling = SamplingParams.builder()
                    .temperature(p.getTemperature()).topK(p.getTopK()).topP(p.getTopP()).minP(p.getMinP())
                    .repeatPenalty(p.getRepetitionPenalty()).presencePenalty(p.getPresencePenalty())
                    .frequencyPenalty(p.getFrequencyPenalty()).seed(seed).logprobs(p.getLogprobs())
                    .build();
            return new Accepted(ids, new GenerationParams(sampling, p.getMaxTokens(), p.getStop()), seed, p.getEmitTokens());
        } catch (IllegalArgumentException e) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, e.getMessage());
        }
    }

    /** Called after {@link RequestRules}: exactly one of prompt and messages is set, and it is not empty. */
    private static String promptText(PromptRequest r) {
        if (r.getPrompt() != null) return r.getPrompt();
        List<ChatMessage> messages = r.getMessages();
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) sb.append(m.getRole()).append(": ").append(m.getContent()).append('\n');
        return sb.append("assistant:").toString();
    }
}
