package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.streams.conversation.History;
import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three conversations of four turns each, sent at once as new-turn-only requests, so later turns queue behind
 * earlier ones. The app runs in its own JVM and is killed with SIGKILL while a turn is generating, then
 * restarted. Each turn must get exactly one completion, in turn order, equal to what the engine generates for
 * the whole conversation rendered client-side; the stored histories must equal those transcripts.
 */
@Timeout(900)
class ConversationCrashTest extends KafkaTestBase {
    static final String SYSTEM = "Thou art a scribe of the law.";
    static final String[][] TURNS = {
        {"Who made the heaven and the earth?", "What did he say unto Moses?", "Who was the first king?", "Say it again."},
        {"Tell me of the flood.", "How many days?", "And the ark?", "What came after?"},
        {"Blessed are who?", "Why?", "Who said this?", "Amen."}};
    static final int MAX_TOKENS = 60;

    @Test
    void turnsAreAnsweredOnceInOrderAcrossSigkillAndHistoriesMatch() throws Exception {
        GenstreamConfig c = env.config("conversation-crash", Map.of(
                GenstreamConfig.BATCH_SIZE, "4",
                "main.consumer.group.instance.id", "conversation-crash-instance",
                "consumer.session.timeout.ms", "10000"));
        Path configFile = ServiceJvm.writeConfig(c);
        Map<String, List<PromptRequest>> turns = new HashMap<>();
        List<PromptRequest> all = new ArrayList<>();
        for (int k = 0; k < TURNS.length; k++) {
            String conv = "conv-" + k;
            boolean greedy = k == 0;
            for (int t = 0; t < TURNS[k].length; t++) {
                List<ChatMessage> ms = new ArrayList<>();
                if (t == 0) ms.add(new ChatMessage("system", SYSTEM));
                ms.add(ConversationStores.user(TURNS[k][t]));
                PromptRequest r = ConversationStores.turn(conv, conv + "-turn-" + t, ms, MAX_TOKENS,
                        greedy ? 0f : 0.9f, greedy ? null : 700L + 10 * k + t);
                turns.computeIfAbsent(conv, x -> new ArrayList<>()).add(r);
            }
        }
        for (int t = 0; t < 4; t++) for (int k = 0; k < TURNS.length; k++) all.add(turns.get("conv-" + k).get(t));
        Expected expected = expected(turns);

        Path log = Files.createTempFile("genstream-conversation-app", ".log");
        Process app = ServiceJvm.launch(configFile, log);
        env.send(c, all, ConversationStores::key);
        try {
            // Kill once some turns are answered and another is generating (its tokens committed, no completion yet).
            KafkaTestEnv.Outputs before = env.collect(c, o -> o.completions().size() >= 4 && midTurn(o), Duration.ofSeconds(300), Duration.ZERO);
            assertThat(before.completions().size()).as("answered before the kill (app log: %s)", log).isBetween(4, all.size() - 1);
            assertThat(midTurn(before)).as("a turn was generating at the kill").isTrue();
            app.destroyForcibly().waitFor();
            System.out.println("[conversation-crash] killed with " + before.completions().size() + " turns answered and "
                    + before.tokens().size() + " token events committed; generating: " + generating(before));
            app = ServiceJvm.launch(configFile, log);

            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= all.size(), Duration.ofSeconds(300));
            assertThat(out.deadLetters()).as("dead letters (app log: %s)", log).isEmpty();
            assertThat(out.completions()).as("completions (app log: %s)", log).hasSize(all.size());
            Map<String, History> stored = ConversationStores.histories(c);
            assertThat(stored).containsOnlyKeys(turns.keySet());
            for (String conv : turns.keySet()) {
                assertThat(stored.get(conv).messages()).as(conv + " stored history").containsExactlyElementsOf(expected.transcripts.get(conv));
                assertThat(stored.get(conv).answered()).containsExactlyElementsOf(turns.get(conv).stream().map(PromptRequest::getRequestId).toList());
            }
            for (var conv : turns.entrySet()) {
                List<Completion> answered = new ArrayList<>();
                for (PromptRequest r : conv.getValue()) {
                    List<Completion> cs = out.completionsOf(r.getRequestId());
                    assertThat(cs).as(r.getRequestId()).hasSize(1);
                    Completion got = cs.get(0);
                    assertThat(got.getConversationId()).isEqualTo(conv.getKey());
                    assertThat(got.getText()).as(r.getRequestId() + " text").isEqualTo(expected.texts.get(r.getRequestId()));
                    assertThat(got.getUsage().getPromptTokens()).as(r.getRequestId() + " prompt tokens")
                            .isEqualTo(expected.promptTokens.get(r.getRequestId()));
                    answered.add(got);
                }
                assertThat(answered).as(conv.getKey() + " answered in turn order")
                        .isSortedAccordingTo(Comparator.comparing(Completion::getCompletedAt));
            }
        } finally {
            app.destroyForcibly().waitFor();
        }
    }

    /** Some turn has delivered tokens but no completion yet. */
    private static boolean midTurn(KafkaTestEnv.Outputs o) {
        return !generating(o).isEmpty();
    }

    private static Set<String> generating(KafkaTestEnv.Outputs o) {
        Set<String> done = new HashSet<>();
        o.completions().forEach(c -> done.add(c.getRequestId()));
        Set<String> open = new java.util.TreeSet<>();
        o.tokens().stream().map(t -> t.getRequestId()).filter(id -> !done.contains(id)).forEach(open::add);
        return open;
    }

    record Expected(Map<String, String> texts, Map<String, Integer> promptTokens, Map<String, List<ChatMessage>> transcripts) {}

    /** Each conversation rendered whole on the client side, turn by turn, through the engine directly. */
    static Expected expected(Map<String, List<PromptRequest>> turns) throws Exception {
        Expected e = new Expected(new HashMap<>(), new HashMap<>(), new HashMap<>());
        try (Model m = Model.load(BundledModel.path(), 2)) {
            int ctx = m.config().contextLength();
            PromptValidator v = new PromptValidator(m.tokenizer(),
                    ChatPrompter.forModel(m.file().metadata(), m.tokenizer(), null).orElseThrow(), "kjv-llama-6m", ctx, 2048);
            Generator g = new Generator(m, m.tokenizer(), Math.min(ctx, 4096));
            for (var conv : turns.entrySet()) {
                List<ChatMessage> history = new ArrayList<>();
                for (PromptRequest r : conv.getValue()) {
                    history.addAll(r.getMessages());
                    PromptRequest whole = PromptRequest.newBuilder(r).setHistoryMode(HistoryMode.client)
                            .setMessages(List.copyOf(history)).build();
                    PromptValidator.Accepted a = v.validate(whole);
                    assertThat(a.promptIds().length + MAX_TOKENS).as("no truncation in this test").isLessThanOrEqualTo(Math.min(ctx, 4096));
                    Generator.Result res = g.generate(a.promptIds(), a.params(), t -> {});
                    e.texts.put(r.getRequestId(), res.text());
                    e.promptTokens.put(r.getRequestId(), a.promptIds().length);
                    history.add(new ChatMessage("assistant", res.text()));
                }
                e.transcripts.put(conv.getKey(), List.copyOf(history));
            }
        }
        return e;
    }
}
