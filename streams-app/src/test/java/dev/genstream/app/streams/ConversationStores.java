package dev.genstream.app.streams;

import dev.genstream.app.streams.conversation.ConversationProcessor;
import dev.genstream.app.streams.conversation.History;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the conversation history store as its changelog holds it (committed records only), and builds turns. */
final class ConversationStores {
    private ConversationStores() {}

    /** The stored history of each conversation: the latest committed changelog value per key (absent = deleted). */
    static Map<String, History> histories(GenstreamConfig c) {
        String topic = c.kafka().get("application.id") + "-" + ConversationProcessor.HISTORY_STORE + "-changelog";
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "history-reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        Map<String, History> out = new HashMap<>();
        var de = History.serde().deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) out.remove(r.key());
                    else out.put(r.key(), de.deserialize(r.topic(), r.value()));
                }
            }
        }
        return out;
    }

    /** A new-turn-only request of conversation {@code conversation}. */
    static PromptRequest turn(String conversation, String id, List<ChatMessage> messages, int maxTokens, float temperature, Long seed) {
        return PromptRequest.newBuilder().setRequestId(id).setConversationId(conversation).setHistoryMode(HistoryMode.server)
                .setMessages(messages).setCreatedAt(Instant.ofEpochMilli(1_780_000_000_000L))
                .setParams(GenerationParams.newBuilder().setMaxTokens(maxTokens).setTemperature(temperature).setSeed(seed).build())
                .build();
    }

    static PromptRequest end(String conversation, String id) {
        return PromptRequest.newBuilder().setRequestId(id).setConversationId(conversation).setEndConversation(true)
                .setCreatedAt(Instant.now()).build();
    }

    /** Turns are produced keyed by conversation_id: one partition per conversation keeps their order. */
    static String key(PromptRequest r) {
        return r.getConversationId() != null ? r.getConversationId() : r.getRequestId();
    }

    static ChatMessage user(String text) {
        return new ChatMessage("user", text);
    }
}
