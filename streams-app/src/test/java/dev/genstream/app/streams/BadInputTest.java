package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every kind of bad record reaches the dead-letter topic with its own code; the good ones around them are answered. */
@Timeout(300)
class BadInputTest extends KafkaTestBase {
    static PromptRequest with(String id, String prompt, GenerationParams p, String model) {
        return PromptRequest.newBuilder().setRequestId(id).setPrompt(prompt).setParams(p).setModel(model).setCreatedAt(Instant.now()).build();
    }

    static GenerationParams.Builder params() {
        return GenerationParams.newBuilder().setMaxTokens(8).setTemperature(0f);
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithTheirCodeAndGoodOnesAreAnswered() throws Exception {
        GenstreamConfig c = env.config("bad", Map.of(GenstreamConfig.CONTEXT_SIZE, "64", GenstreamConfig.MAX_TOKENS_LIMIT, "100"));
        Map<String, ErrorCode> expectByRequest = new LinkedHashMap<>();
        Map<Long, ErrorCode> expectByOffset = new LinkedHashMap<>();
        List<String> good = new ArrayList<>();
        try (GenstreamApp app = GenstreamApp.start(c)) {
            good.add(send(c, with("good-1", "In the beginning", params().build(), null)));
            RecordMetadata notAvro = env.sendRaw(c, "k1".getBytes(), "this is not avro".getBytes(StandardCharsets.UTF_8));
            expectByOffset.put(notAvro.offset() * 10 + notAvro.partition(), ErrorCode.NOT_AVRO);
            RecordMetadata unknownId = env.sendRaw(c, "k2".getBytes(), new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4, 6});
            expectByOffset.put(unknownId.offset() * 10 + unknownId.partition(), ErrorCode.UNKNOWN_SCHEMA);
            bad(c, expectByRequest, with("missing", null, params().build(), null), ErrorCode.MISSING_PROMPT);
            bad(c, expectByRequest, with("empty", "", params().build(), null), ErrorCode.EMPTY_PROMPT);
            good.add(send(c, with("good-2", "And the LORD said unto Moses,", params().build(), null)));
            bad(c, expectByRequest, with("too-long", "And God said, Let there be light: and there was light. ".repeat(10), params().build(), null), ErrorCode.PROMPT_TOO_LONG);
            bad(c, expectByRequest, with("zero-tokens", "Thou shalt", params().setMaxTokens(0).build(), null), ErrorCode.INVALID_MAX_TOKENS);
            bad(c, expectByRequest, with("many-tokens", "Thou shalt", params().setMaxTokens(101).build(), null), ErrorCode.INVALID_MAX_TOKENS);
            bad(c, expectByRequest, with("cold", "Thou shalt", params().setTemperature(-0.5f).build(), null), ErrorCode.INVALID_TEMPERATURE);
            bad(c, expectByRequest, with("top-p-zero", "Thou shalt", params().setTopP(0f).build(), null), ErrorCode.INVALID_TOP_P);
            bad(c, expectByRequest, with("top-p-big", "Thou shalt", params().setTopP(1.5f).build(), null), ErrorCode.INVALID_TOP_P);
            bad(c, expectByRequest, with("who", "Thou shalt", params().build(), "gpt-9"), ErrorCode.UNKNOWN_MODEL);
            good.add(send(c, with("dup", "Blessed are the", params().setMaxTokens(12).build(), null)));
            send(c, with("dup", "Blessed are the", params().setMaxTokens(12).build(), null));
            good.add(send(c, with("good-3", "Honour thy father", params().build(), null)));

            KafkaTestEnv.Outputs out = env.collect(c,
                    o -> o.completions().size() >= good.size() && o.deadLetters().size() >= expectByRequest.size() + 3, Duration.ofSeconds(120));

            for (String id : good) assertThat(out.completionsOf(id)).as("completion of " + id).hasSize(1);
            assertThat(out.completions()).hasSize(good.size());
            Map<String, ErrorCode> gotByRequest = new LinkedHashMap<>();
            Map<Long, ErrorCode> gotByOffset = new LinkedHashMap<>();
            for (DeadLetter d : out.deadLetters()) {
                assertThat(d.getReason()).isNotBlank();
                assertThat(d.getTopic()).isEqualTo(c.get(GenstreamConfig.TOPIC_PROMPTS));
                assertThat(d.getValue()).as("the original bytes are kept").isNotNull();
                if (d.getRequestId() != null) gotByRequest.merge(d.getRequestId(), d.getErrorCode(), (a, b) -> {
                    throw new AssertionError("two dead letters for " + d.getRequestId());
                });
                else gotByOffset.put(d.getOffset() * 10 + d.getPartition(), d.getErrorCode());
            }
            Map<String, ErrorCode> expectAll = new LinkedHashMap<>(expectByRequest);
            expectAll.put("dup", ErrorCode.DUPLICATE_REQUEST);
            assertThat(gotByRequest).containsExactlyInAnyOrderEntriesOf(expectAll);
            assertThat(gotByOffset).containsExactlyInAnyOrderEntriesOf(expectByOffset);
            // The duplicate was answered once: one completion and one set of token events.
            assertThat(out.tokensOf("dup")).hasSize(out.completionsOf("dup").get(0).getUsage().getCompletionTokens()).isNotEmpty();
        }
    }

    private static String send(GenstreamConfig c, PromptRequest r) throws Exception {
        env.send(c, List.of(r));
        return r.getRequestId();
    }

    private static void bad(GenstreamConfig c, Map<String, ErrorCode> expect, PromptRequest r, ErrorCode code) throws Exception {
        send(c, r);
        expect.put(r.getRequestId(), code);
    }
}
