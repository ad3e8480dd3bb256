package dev.genstream.app.streams.conversation;

import dev.genstream.app.streams.PromptValidator;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits a conversation into the context. Rule: while the rendered prompt + max_tokens exceeds the context, drop
 * the oldest turn after the leading system message(s): one user message through the assistant reply that answers it.
 * The new turn and the system message are never dropped; if they alone are too long, the request is rejected
 * (PROMPT_TOO_LONG) or, when they fit but leave less than max_tokens, generation ends at the context (length).
 */
public final class ContextFit {
    /** The history the model sees for this turn, and the accepted request rendered from it. */
    public record Fitted(List<ChatMessage> kept, PromptValidator.Accepted accepted) {}

    private ContextFit() {}

    public static Fitted fit(PromptValidator validator, List<ChatMessage> history, PromptRequest turn) throws PromptValidator.Rejected {
        List<ChatMessage> kept = new ArrayList<>(history);
        while (true) {
            List<ChatMessage> all = new ArrayList<>(kept);
            all.addAll(turn.getMessages());
            PromptRequest full = PromptRequest.newBuilder(turn).setMessages(all).setHistoryMode(HistoryMode.client).build();
            try {
                PromptValidator.Accepted a = validator.validate(full);
                if (a.promptIds().length + a.params().maxTokens() <= validator.contextSize() || !dropOldestTurn(kept)) {
                    return new Fitted(List.copyOf(kept), a);
                }
            } catch (PromptValidator.Rejected r) {
                if (r.code() != ErrorCode.PROMPT_TOO_LONG || !dropOldestTurn(kept)) throw r;
            }
        }
    }

    /** Removes the oldest turn after the leading system messages; false when there is none. */
    static boolean dropOldestTurn(List<ChatMessage> kept) {
        int first = 0;
        while (first < kept.size() && kept.get(first).getRole().equals("system")) first++;
        if (first == kept.size()) return false;
        int end = first + 1;
        while (end < kept.size() && !kept.get(end - 1).getRole().equals("assistant")) end++;
        kept.subList(first, end).clear();
        return true;
    }
}
