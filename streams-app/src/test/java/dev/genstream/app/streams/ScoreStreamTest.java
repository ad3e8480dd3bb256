package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.engine.generate.Scorer;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.RequestKind;
import dev.genstream.schemas.Score;
import dev.genstream.schemas.ScoredToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Score requests through the service on the real broker: a Score record per request, equal to the engine's scorer. */
@Timeout(300)
class ScoreStreamTest extends KafkaTestBase {
    static PromptRequest.Builder score(String id, String prompt, String continuation) {
        return PromptRequest.newBuilder().setRequestId(id).setPrompt(prompt).setKind(RequestKind.score)
                .setContinuation(continuation).setCreatedAt(Instant.now()).setMetadata(Map.of("run", "1"))
                .setParams(GenerationParams.newBuilder().setMaxTokens(8).setLogprobs(3).build());
    }

    @Test
    void scoreRecordsMatchTheEngineAndBadRequestsAreDeadLettered() throws Exception {
        GenstreamConfig c = env.config("score", Map.of(GenstreamConfig.CONTEXT_SIZE, "64", GenstreamConfig.MAX_TOKENS_LIMIT, "100",
                GenstreamConfig.TOPIC_SCORES, "scores-" + UUID.randomUUID().toString().substring(0, 8)));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, List.of(
                    score("s1", "In the beginning God", " created the heaven and the earth.").build(),
                    score("s2", "And Moses said", " unto the LORD,").build(),
                    score("no-cont", "And Moses said", null).build(),
                    score("too-long", "And Moses said", " and it was so.".repeat(20)).build()));
            List<Score> scores = readScores(c, 2);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.deadLetters().size() >= 2, Duration.ofSeconds(60));

            assertThat(scores).extracting(Score::getRequestId).containsExactlyInAnyOrder("s1", "s2");
            try (Model m = Model.load(BundledModel.path(), 1)) {
                for (Score s : scores) {
                    String prompt = s.getRequestId().equals("s1") ? "In the beginning God" : "And Moses said";
                    String cont = s.getRequestId().equals("s1") ? " created the heaven and the earth." : " unto the LORD,";
                    Scorer.Score expected = new Scorer(m.transformer()).score(m.tokenizer().encode(prompt, true, true),
                            m.tokenizer().encode(cont, false, false), 3, 512);
                    assertThat(s.getTokenCount()).isEqualTo(expected.tokenCount());
                    assertThat(s.getTotalLogprob()).isCloseTo(expected.totalLogprob(), within(1e-9));
                    assertThat(s.getTotalLogprob()).isCloseTo(s.getTokens().stream().mapToDouble(ScoredToken::getLogprob).sum(), within(1e-9));
                    assertThat(s.getPerplexity()).isCloseTo(Math.exp(-s.getTotalLogprob() / s.getTokenCount()), within(1e-9));
                    assertThat(String.join("", s.getTokens().stream().map(ScoredToken::getText).toList())).isEqualTo(cont);
                    assertThat(s.getTokens().get(0).getTopLogprobs()).hasSize(3);
                    assertThat(s.getMetadata()).containsEntry("run", "1");
                }
            }
            Map<String, ErrorCode> dead = new HashMap<>();
            for (DeadLetter d : out.deadLetters()) dead.put(d.getRequestId(), d.getErrorCode());
            assertThat(dead).containsEntry("no-cont", ErrorCode.INVALID_PARAMS).containsEntry("too-long", ErrorCode.PROMPT_TOO_LONG);
        }
    }

    private static List<Score> readScores(GenstreamConfig c, int n) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        var de = GenstreamSerdes.forClass(Score.class, c.kafka(), false).deserializer();
        List<Score> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(c.get(GenstreamConfig.TOPIC_SCORES)));
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) out.add(de.deserialize(r.topic(), r.value()));
            }
        }
        return out;
    }
}
