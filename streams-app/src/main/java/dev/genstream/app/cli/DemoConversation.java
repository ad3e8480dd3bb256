package dev.genstream.app.cli;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's conversation: three new-turn-only requests (history_mode server) sent at once, answered in order by
 * the service with the history it keeps, rendered with the model's chat template; then end_conversation.
 */
final class DemoConversation {
    static final String ID = "demo-chat";
    static final List<String> TURNS = List.of("Who made the heaven and the earth?", "And what did he say?", "Amen.");

    private DemoConversation() {}

    static void run(GenstreamConfig c, int maxTokens, PrintStream out) throws Exception {
        Map<String, Object> kc = c.kafka();
        List<PromptRequest> turns = new ArrayList<>();
        for (int i = 0; i < TURNS.size(); i++) {
            List<ChatMessage> ms = new ArrayList<>();
            if (i == 0) ms.add(new ChatMessage("system", "Thou art a scribe. Answer briefly."));
            ms.add(new ChatMessage("user", TURNS.get(i)));
            turns.add(PromptRequest.newBuilder().setRequestId(ID + "-" + (i + 1)).setConversationId(ID)
                    .setHistoryMode(HistoryMode.server).setMessages(ms).setCreatedAt(Instant.now())
                    .setParams(GenerationParams.newBuilder().setMaxTokens(maxTokens).setTemperature(0.8f).setSeed(42L + i).build())
                    .build());
        }
        turns.add(PromptRequest.newBuilder().setRequestId(ID + "-end").setConversationId(ID).setEndConversation(true)
                .setCreatedAt(Instant.now()).build());
        out.printf("%nconversation %s: %d turns sent at once with history_mode=server (only the new message each); "
                + "the service queues them, keeps the history and renders it with the model's chat template%n", ID, TURNS.size());
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, kc, false);
             KafkaProducer<String, PromptRequest> producer = new KafkaProducer<>(kc, new StringSerializer(), serde.serializer())) {
            for (PromptRequest r : turns) producer.send(new ProducerRecord<>(c.get(GenstreamConfig.TOPIC_PROMPTS), ID, r)); // one key: one partition, in order
        }
        Map<String, Object> props = new HashMap<>(kc);
        props.put("group.id", "genstream-demo-conversation");
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        var completionDe = GenstreamSerdes.forClass(Completion.class, kc, false).deserializer();
        Map<String, Completion> answers = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(c.get(GenstreamConfig.TOPIC_COMPLETIONS)));
            long deadline = System.currentTimeMillis() + 180_000;
            while (answers.size() < TURNS.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Completion cp = completionDe.deserialize(r.topic(), r.value());
                    if (ID.equals(cp.getConversationId())) answers.put(cp.getRequestId(), cp);
                }
            }
        }
        for (int i = 0; i < TURNS.size(); i++) {
            Completion cp = answers.get(turns.get(i).getRequestId());
            out.printf("  user:      %s%n", TURNS.get(i));
            if (cp == null) throw new IllegalStateException("turn " + (i + 1) + " of " + ID + " got no completion");
            out.printf("  assistant: %s%n             (prompt with history: %d tokens, %d generated, finish: %s)%n",
                    cp.getText().strip().replace("\n", " "), cp.getUsage().getPromptTokens(), cp.getUsage().getCompletionTokens(), cp.getFinishReason());
        }
        out.printf("then end_conversation: the service deletes %s's history (right to be forgotten)%n", ID);
    }
}
