package dev.genstream.app.streams.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.app.streams.PromptValidator;
import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The truncation rule: drop whole turns, oldest first, after the system message, until prompt + max_tokens fits. */
class ContextFitTest {
    static Model model;
    static ChatPrompter chat;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(BundledModel.path(), 1);
        chat = ChatPrompter.forModel(model.file().metadata(), model.tokenizer(), null).orElseThrow();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<ChatMessage> history(int turns) {
        List<ChatMessage> h = new ArrayList<>(List.of(new ChatMessage("system", "Thou art a scribe.")));
        for (int i = 0; i < turns; i++) {
            h.add(new ChatMessage("user", "Question number " + i + " of the law and the prophets?"));
            h.add(new ChatMessage("assistant", "Answer " + i + ": and the LORD spake unto Moses, saying, keep my statutes."));
        }
        return h;
    }

    static PromptRequest turn(String text, int maxTokens) {
        return PromptRequest.newBuilder().setRequestId("r").setConversationId("c").setHistoryMode(HistoryMode.server)
                .setMessages(List.of(new ChatMessage("user", text))).setCreatedAt(Instant.EPOCH)
                .setParams(GenerationParams.newBuilder().setMaxTokens(maxTokens).build()).build();
    }

    int tokens(List<ChatMessage> history, PromptRequest t) throws PromptValidator.Rejected {
        List<ChatMessage> all = new ArrayList<>(history);
        all.addAll(t.getMessages());
        return validator(4096).validate(PromptRequest.newBuilder(t).setMessages(all).setHistoryMode(HistoryMode.client).build()).promptIds().length;
    }

    static PromptValidator validator(int ctx) {
        return new PromptValidator(model.tokenizer(), chat, "kjv-llama-6m", ctx, 2048);
    }

    @Test
    void keepsEverythingWhenItFits() throws Exception {
        List<ChatMessage> h = history(3);
        ContextFit.Fitted f = ContextFit.fit(validator(4096), h, turn("And now?", 64));
        assertThat(f.kept()).isEqualTo(h);
        assertThat(f.accepted().promptIds()).hasSize(tokens(h, turn("And now?", 64)));
    }

    @Test
    void dropsTheOldestWholeTurnsAfterTheSystemMessageUntilItFits() throws Exception {
        List<ChatMessage> h = history(6);
        PromptRequest t = turn("And now?", 64);
        int full = tokens(h, t);
        int ctx = full + 64 - 50; // forces at least one turn out
        ContextFit.Fitted f = ContextFit.fit(validator(ctx), h, t);

        int dropped = (h.size() - f.kept().size()) / 2;
        assertThat(dropped).isBetween(1, 5);
        assertThat(f.kept().get(0)).isEqualTo(h.get(0));
        assertThat(f.kept().subList(1, f.kept().size())).isEqualTo(h.subList(1 + 2 * dropped, h.size()));
        assertThat(f.accepted().promptIds().length + 64).isLessThanOrEqualTo(ctx);
        // Minimal: keeping one more turn would not have fitted.
        List<ChatMessage> oneMore = new ArrayList<>(h.subList(0, 1));
        oneMore.addAll(h.subList(1 + 2 * (dropped - 1), h.size()));
        assertThat(tokens(oneMore, t) + 64).isGreaterThan(ctx);
    }

    @Test
    void aNewTurnTooLongByItselfIsRejected() {
        String longText = "And the LORD spake unto Moses. ".repeat(80);
        assertThatThrownBy(() -> ContextFit.fit(validator(128), history(2), turn(longText, 16)))
                .isInstanceOfSatisfying(PromptValidator.Rejected.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.PROMPT_TOO_LONG));
    }

    @Test
    void dropOldestTurnKeepsLeadingSystemMessages() {
        List<ChatMessage> h = new ArrayList<>(history(2));
        assertThat(ContextFit.dropOldestTurn(h)).isTrue();
        assertThat(h).isEqualTo(concat(history(2).subList(0, 1), history(2).subList(3, 5)));
        assertThat(ContextFit.dropOldestTurn(h)).isTrue();
        assertThat(h).containsExactly(history(2).get(0));
        assertThat(ContextFit.dropOldestTurn(h)).isFalse();
    }

    static List<ChatMessage> concat(List<ChatMessage> a, List<ChatMessage> b) {
        List<ChatMessage> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
