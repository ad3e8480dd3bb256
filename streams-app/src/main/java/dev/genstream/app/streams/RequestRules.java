package dev.genstream.app.streams;

import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.RequestKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a PromptRequest must meet whatever model serves it. The service applies them before it tokenizes,
 * and the CLI before it sends, so both reject the same requests with the same words. Field names are the schema's.
 */
public final class RequestRules {
    /** One broken rule: the dead-letter code, the schema field (a path such as params.top_p) and what is wrong. */
    public record Violation(ErrorCode code, String field, String message) {
        @Override
        public String toString() {
            return field + " " + message;
        }
    }

    private RequestRules() {}

    /** Every rule {@code r} breaks, in field order; empty when it may be sent. */
    public static List<Violation> check(PromptRequest r, int maxTokensLimit) {
        List<Violation> v = new ArrayList<>();
        if (r.getRequestId() == null || r.getRequestId().isBlank()) v.add(new Violation(ErrorCode.INVALID_PARAMS, "request_id", "is empty"));
        else if (r.getRequestId().indexOf('\u0000') >= 0) v.add(invalid("request_id", "contains a NUL character (U+0000)")); // ProgressLog's key separator
        boolean hasPrompt = r.getPrompt() != null, hasMessages = r.getMessages() != null;
        boolean serverHistory = r.getHistoryMode() == HistoryMode.server;
        if ((serverHistory || r.getEndConversation()) && (r.getConversationId() == null || r.getConversationId().isBlank())) {
            v.add(invalid("conversation_id", "is required with " + (r.getEndConversation() ? "end_conversation" : "history_mode server")));
        }
        if (r.getEndConversation()) {
            return v; // nothing is generated: prompt, messages and params do not matter
        } else if (serverHistory && hasPrompt) {
            v.add(invalid("prompt", "is set with history_mode server; send the new turn as messages"));
        } else if (serverHistory && (r.getKind() != RequestKind.generate || r.getAvroSubject() != null)) {
            v.add(invalid(r.getAvroSubject() != null ? "avro_subject" : "kind", "is not supported with history_mode server"));
        } else if (hasPrompt && hasMessages) {
            v.add(new Violation(ErrorCode.INVALID_PARAMS, "messages", "is set together with prompt; set one of them"));
        } else if (!hasPrompt && !hasMessages) {
            v.add(new Violation(ErrorCode.MISSING_PROMPT, "prompt", "is missing: set prompt or messages"));
        } else if (hasPrompt && r.getPrompt().isEmpty()) {
            v.add(new Violation(ErrorCode.EMPTY_PROMPT, "prompt", "is empty"));
        } else if (hasMessages) {
            if (r.getMessages().isEmpty()) v.add(new Violation(ErrorCode.EMPTY_PROMPT, "messages", "is empty"));
            List<ChatMessage> ms = r.getMessages();
            for (int i = 0; i < ms.size(); i++) {
                if (ms.get(i).getRole().isBlank()) v.add(new Violation(ErrorCode.INVALID_PARAMS, "messages[" + i + "].role", "is empty"));
            }
        }
        if (r.getParams() != null) params(r.getParams(), maxTokensLimit, v);
        else if (defaults().getMaxTokens() > maxTokensLimit) params(defaults(), maxTokensLimit, v);
        return v;
    }

    private static void params(GenerationParams p, int maxTokensLimit, List<Violation> v) {
        if (p.getMaxTokens() <= 0 || p.getMaxTokens() > maxTokensLimit) {
            v.add(new Violation(ErrorCode.INVALID_MAX_TOKENS, "params.max_tokens", "must be in 1.." + maxTokensLimit + ", got " + p.getMaxTokens()));
        }
        if (!(Float.isFinite(p.getTemperature()) && p.getTemperature() >= 0)) {
            v.add(new Violation(ErrorCode.INVALID_TEMPERATURE, "params.temperature", "must be >= 0, got " + p.getTemperature()));
        }
        if (!(p.getTopP() > 0 && p.getTopP() <= 1)) v.add(new Violation(ErrorCode.INVALID_TOP_P, "params.top_p", "must be in (0, 1], got " + p.getTopP()));
        if (p.getTopK() < 0) v.add(invalid("params.top_k", "must be >= 0 (0 = off), got " + p.getTopK()));
        if (!(p.getMinP() >= 0 && p.getMinP() <= 1)) v.add(invalid("params.min_p", "must be in [0, 1] (0 = off), got " + p.getMinP()));
        if (!(p.getRepetitionPenalty() >= Float.MIN_NORMAL && Float.isFinite(p.getRepetitionPenalty()))) {
            v.add(invalid("params.repetition_penalty", "must be a finite number > 0 (1 = off), got " + p.getRepetitionPenalty()));
        }
        if (!Float.isFinite(p.getPresencePenalty())) v.add(invalid("params.presence_penalty", "must be finite, got " + p.getPresencePenalty()));
        if (!Float.isFinite(p.getFrequencyPenalty())) v.add(invalid("params.frequency_penalty", "must be finite, got " + p.getFrequencyPenalty()));
        if (p.getLogprobs() < 0 || p.getLogprobs() > SamplingParams.MAX_LOGPROBS) {
            v.add(invalid("params.logprobs", "must be in 0.." + SamplingParams.MAX_LOGPROBS + ", got " + p.getLogprobs()));
        }
        for (int i = 0; i < p.getStop().size(); i++) {
            if (p.getStop().get(i).isEmpty()) v.add(invalid("params.stop[" + i + "]", "is empty"));
        }
    }

    private static Violation invalid(String field, String message) {
        return new Violation(ErrorCode.INVALID_PARAMS, field, message);
    }

    private static GenerationParams defaults() {
        return GenerationParams.newBuilder().build();
    }
}
