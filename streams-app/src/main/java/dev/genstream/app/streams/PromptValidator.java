package dev.genstream.app.streams;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.chat.TemplateException;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.sampling.CounterRng;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a prompt request can be served, and turns it into engine inputs. Pure: no Kafka, no state.
 * The model-independent rules are {@link RequestRules}, which the CLI applies too; this adds the model's own.
 * A {@code prompt} is tokenized as given (BOS added as the model asks, control-token text parsed). {@code messages}
 * are rendered with the model's chat template and a generation prompt, with special tokens parsed in the template's
 * text only; {@code strftime_now} reads the request's {@code created_at}, so a resumed request renders the same.
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
    private final ChatPrompter chat;
    private final String alias;
    private final int contextSize;
    private final int maxTokensLimit;

    /** @param chat renders {@code messages}; null when the model has no chat template (they are then rejected) */
    public PromptValidator(Tokenizer tokenizer, ChatPrompter chat, String alias, int contextSize, int maxTokensLimit) {
        this.tokenizer = tokenizer;
        this.chat = chat;
        this.alias = alias;
        this.contextSize = contextSize;
        this.maxTokensLimit = maxTokensLimit;
    }

    /** The model-independent rules only (all an end_conversation request must meet). */
    public void checkRules(PromptRequest r) throws Rejected {
        List<RequestRules.Violation> broken = RequestRules.check(r, maxTokensLimit);
        if (!broken.isEmpty()) throw new Rejected(broken.get(0).code(), broken.get(0).toString());
    }

    public int contextSize() {
        return contextSize;
    }

    public Accepted validate(PromptRequest r) throws Rejected {
        checkRules(r);
        if (r.getModel() != null && !r.getModel().equals(alias)) {
            throw new Rejected(ErrorCode.UNKNOWN_MODEL, "unknown model alias '" + r.getModel() + "' (this service runs '" + alias + "')");
        }
        int[] ids = promptIds(r);
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
            GenerationParams gp = new GenerationParams(sampling, p.getMaxTokens(), p.getStop());
            if (r.getPrompt() == null) gp = gp.withEndTokens(chat.endOfTurnTokens());
            return new Accepted(ids, gp, seed, p.getEmitTokens());
        } catch (IllegalArgumentException e) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, e.getMessage());
        }
    }

    private int[] promptIds(PromptRequest r) throws Rejected {
        if (r.getPrompt() != null) {
            if (r.getPrompt().isEmpty()) throw new Rejected(ErrorCode.EMPTY_PROMPT, "prompt is empty");
            return tokenizer.encode(r.getPrompt(), true, true);
        }
        List<ChatMessage> messages = r.getMessages();
        if (messages == null) throw new Rejected(ErrorCode.MISSING_PROMPT, "neither prompt nor messages is set");
        if (messages.isEmpty()) throw new Rejected(ErrorCode.EMPTY_PROMPT, "messages is empty");
        if (chat == null) {
            throw new Rejected(ErrorCode.NO_CHAT_TEMPLATE, "the model has no chat template (" + ChatPrompter.METADATA_KEY
                    + ") to render messages; configure " + GenstreamConfig.CHAT_TEMPLATE_FILE + " or send a prompt");
        }
        List<Map<String, Object>> ms = new ArrayList<>();
        for (ChatMessage m : messages) ms.add(Map.of("role", m.getRole(), "content", m.getContent()));
        Instant created = r.getCreatedAt() != null ? r.getCreatedAt() : Instant.EPOCH;
        try {
            return chat.encode(ms, null, LocalDateTime.ofInstant(created, ZoneOffset.UTC));
        } catch (TemplateException e) {
            throw new Rejected(ErrorCode.CHAT_TEMPLATE_ERROR, "the chat template rejected the messages: " + e.getMessage());
        }
    }
}
