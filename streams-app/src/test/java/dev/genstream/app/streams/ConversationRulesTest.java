package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request rules for server-side conversations (shared by the service and the CLI). */
class ConversationRulesTest {
    static PromptRequest.Builder base() {
        return PromptRequest.newBuilder().setRequestId("r").setCreatedAt(Instant.EPOCH)
                .setMessages(List.of(new ChatMessage("user", "hi")));
    }

    @Test
    void serverHistoryNeedsAConversationId() {
        assertThat(RequestRules.check(base().setHistoryMode(HistoryMode.server).build(), 2048))
                .singleElement().satisfies(v -> {
                    assertThat(v.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
                    assertThat(v.field()).isEqualTo("conversation_id");
                });
        assertThat(RequestRules.check(base().setHistoryMode(HistoryMode.server).setConversationId("c").build(), 2048)).isEmpty();
    }

    @Test
    void serverHistoryTakesMessagesNotAPrompt() {
        PromptRequest r = base().setMessages(null).setPrompt("hi").setHistoryMode(HistoryMode.server).setConversationId("c").build();
        assertThat(RequestRules.check(r, 2048)).extracting(RequestRules.Violation::field).containsExactly("prompt");
    }

    @Test
    void serverHistoryGeneratesOnly() {
        PromptRequest.Builder turn = base().setHistoryMode(HistoryMode.server).setConversationId("c");
        assertThat(RequestRules.check(turn.setKind(dev.genstream.schemas.RequestKind.score).build(), 2048))
                .extracting(RequestRules.Violation::field).containsExactly("kind");
        assertThat(RequestRules.check(base().setHistoryMode(HistoryMode.server).setConversationId("c").setAvroSubject("s").build(), 2048))
                .extracting(RequestRules.Violation::field).containsExactly("avro_subject");
    }

    @Test
    void endConversationNeedsOnlyItsIds() {
        PromptRequest end = PromptRequest.newBuilder().setRequestId("e").setConversationId("c").setEndConversation(true)
                .setCreatedAt(Instant.EPOCH).build();
        assertThat(RequestRules.check(end, 2048)).isEmpty();
        assertThat(RequestRules.check(PromptRequest.newBuilder(end).setConversationId(" ").build(), 2048))
                .extracting(RequestRules.Violation::toString).containsExactly("conversation_id is required with end_conversation");
    }

    @Test
    void clientHistoryIsUnchanged() {
        assertThat(RequestRules.check(base().build(), 2048)).isEmpty();
        assertThat(RequestRules.check(base().setConversationId("c").build(), 2048)).isEmpty();
    }
}
