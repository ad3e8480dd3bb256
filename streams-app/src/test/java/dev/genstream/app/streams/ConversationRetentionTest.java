package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.streams.conversation.History;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retention of server-side conversations on a real broker: idle expiry after the TTL, and deletion on request. */
@Timeout(300)
class ConversationRetentionTest extends KafkaTestBase {
    @Test
    void anIdleConversationExpiresAfterTheTtl() throws Exception {
        GenstreamConfig c = env.config("conversation-ttl", Map.of(GenstreamConfig.CONVERSATION_TTL_MS, "4000"));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            PromptRequest first = ConversationStores.turn("ttl", "ttl-1",
                    List.of(new ChatMessage("system", "Be brief."), ConversationStores.user("Who is the LORD?")), 8, 0f, null);
            env.send(c, List.of(first), ConversationStores::key);
            Completion c1 = env.collect(c, o -> o.completions().size() >= 1, Duration.ofSeconds(120)).completions().get(0);
            long answeredAt = System.currentTimeMillis();
            History h = ConversationStores.histories(c).get("ttl");
            assertThat(h).as("history right after the turn").isNotNull();
            assertThat(h.messages()).extracting(ChatMessage::getRole).containsExactly("system", "user", "assistant");
            assertThat(h.messages().get(2).getContent()).isEqualTo(c1.getText());

            long deadline = System.currentTimeMillis() + 60_000;
            while (ConversationStores.histories(c).containsKey("ttl") && System.currentTimeMillis() < deadline) Thread.sleep(500);
            assertThat(ConversationStores.histories(c)).as("expired within a minute").doesNotContainKey("ttl");
            assertThat(System.currentTimeMillis() - answeredAt).as("not before the TTL").isGreaterThanOrEqualTo(3000);

            // A turn after expiry starts a new conversation: its prompt is the new turn alone.
            PromptRequest later = ConversationStores.turn("ttl", "ttl-2", List.of(ConversationStores.user("And then?")), 8, 0f, null);
            env.send(c, List.of(later), ConversationStores::key);
            Completion c2 = env.collect(c, o -> o.completions().size() >= 2, Duration.ofSeconds(120)).completionsOf("ttl-2").get(0);
            assertThat(c2.getUsage().getPromptTokens()).isEqualTo(aloneTokens(app, later));
        }
    }

    @Test
    void endConversationDeletesTheHistoryInQueueOrder() throws Exception {
        GenstreamConfig c = env.config("conversation-end", Map.of());
        try (GenstreamApp app = GenstreamApp.start(c)) {
            PromptRequest t1 = ConversationStores.turn("gone", "gone-1",
                    List.of(new ChatMessage("system", "Be brief."), ConversationStores.user("Who is the LORD?")), 8, 0f, null);
            PromptRequest t2 = ConversationStores.turn("gone", "gone-2", List.of(ConversationStores.user("Say more.")), 8, 0f, null);
            PromptRequest kept = ConversationStores.turn("kept", "kept-1", List.of(ConversationStores.user("Who is the LORD?")), 8, 0f, null);
            PromptRequest noId = PromptRequest.newBuilder(ConversationStores.end("x", "bad-end")).setConversationId(null).build();
            // All at once: the end waits for turn 1, and turn 2 (sent after it) starts afresh.
            env.send(c, List.of(t1, ConversationStores.end("gone", "gone-end"), kept, noId), ConversationStores::key);
            KafkaTestEnv.Outputs first = env.collect(c, o -> o.completions().size() >= 2 && o.deadLetters().size() >= 1, Duration.ofSeconds(120));
            assertThat(first.completionsOf("gone-1")).hasSize(1);
            assertThat(first.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.getErrorCode()).isEqualTo(ErrorCode.INVALID_PARAMS);
                assertThat(d.getReason()).contains("conversation_id").contains("end_conversation");
            });
            Map<String, History> stored = ConversationStores.histories(c);
            assertThat(stored).as("deleted at once; the other conversation kept").containsOnlyKeys("kept");

            env.send(c, List.of(t2), ConversationStores::key);
            Completion c2 = env.collect(c, o -> o.completions().size() >= 3, Duration.ofSeconds(120)).completionsOf("gone-2").get(0);
            assertThat(c2.getUsage().getPromptTokens()).as("turn 2 sees none of the deleted history").isEqualTo(aloneTokens(app, t2));
            assertThat(ConversationStores.histories(c).get("gone").messages()).extracting(ChatMessage::getRole)
                    .containsExactly("user", "assistant");
        }
    }

    @Test
    void aLongConversationDropsItsOldestTurnsAfterTheSystemMessage() throws Exception {
        int ctx = 160, maxTokens = 40;
        GenstreamConfig c = env.config("conversation-fit", Map.of(GenstreamConfig.CONTEXT_SIZE, Integer.toString(ctx)));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            List<PromptRequest> turns = new java.util.ArrayList<>();
            turns.add(ConversationStores.turn("long", "long-0",
                    List.of(new ChatMessage("system", "Be brief."), ConversationStores.user("Who is the LORD?")), maxTokens, 0f, null));
            for (int i = 1; i < 4; i++) {
                turns.add(ConversationStores.turn("long", "long-" + i, List.of(ConversationStores.user("Question " + i + "?")), maxTokens, 0f, null));
            }
            env.send(c, turns, ConversationStores::key);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= 4, Duration.ofSeconds(120));
            assertThat(out.deadLetters()).isEmpty();
            for (PromptRequest t : turns) {
                assertThat(out.completionsOf(t.getRequestId()).get(0).getUsage().getPromptTokens() + maxTokens)
                        .as(t.getRequestId()).isLessThanOrEqualTo(ctx);
            }
            // Turn 3 waited behind turns 0-2: that wait is its queue time.
            assertThat(out.completionsOf("long-3").get(0).getTimings().getQueueMs())
                    .isGreaterThanOrEqualTo(out.completionsOf("long-0").get(0).getTimings().getDecodeMs());
            List<ChatMessage> stored = ConversationStores.histories(c).get("long").messages();
            assertThat(stored.get(0)).isEqualTo(turns.get(0).getMessages().get(0));
            assertThat(stored.stream().filter(m -> m.getRole().equals("user")).count()).as("turns dropped").isLessThan(4);
            assertThat(stored.get(stored.size() - 2)).isEqualTo(turns.get(3).getMessages().get(0));
            // prompt_tokens is the truncated prompt: the stored history without the last reply, rendered.
            PromptRequest seen = PromptRequest.newBuilder(turns.get(3)).setMessages(stored.subList(0, stored.size() - 1)).build();
            assertThat(out.completionsOf("long-3").get(0).getUsage().getPromptTokens()).isEqualTo(aloneTokens(app, seen));
        }
    }

    /** Prompt tokens of the turn rendered as a whole conversation by itself. */
    private static int aloneTokens(GenstreamApp app, PromptRequest turn) throws PromptValidator.Rejected {
        ModelService s = app.service();
        PromptValidator v = new PromptValidator(s.model().tokenizer(), s.chat(), s.alias(), s.contextSize(), s.maxTokensLimit());
        return v.validate(PromptRequest.newBuilder(turn).setHistoryMode(HistoryMode.client).build()).promptIds().length;
    }
}
