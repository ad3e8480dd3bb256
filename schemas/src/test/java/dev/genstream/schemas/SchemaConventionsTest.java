package dev.genstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/** The schemas are a contract: these tests pin their names and the rules that keep them evolvable. */
class SchemaConventionsTest {

    static final List<Schema> TOP_LEVEL = List.of(PromptRequest.SCHEMA$, GenerationParams.SCHEMA$,
            TokenEvent.SCHEMA$, Completion.SCHEMA$, DeadLetter.SCHEMA$, Score.SCHEMA$);

    @Test
    void everyFieldHasADocAndEveryNullableFieldDefaultsToNull() {
        List<String> checked = new ArrayList<>();
        for (Schema record : allRecords()) {
            assertThat(record.getNamespace()).isEqualTo("dev.genstream.schemas");
            assertThat(record.getDoc()).as(record.getName()).isNotBlank();
            for (Schema.Field f : record.getFields()) {
                String where = record.getName() + "." + f.name();
                assertThat(f.doc()).as(where).isNotBlank();
                if (f.schema().isNullable()) {
                    assertThat(f.hasDefaultValue()).as(where).isTrue();
                    assertThat(f.defaultVal()).as(where).isEqualTo(JsonProperties.NULL_VALUE);
                }
                checked.add(where);
            }
        }
        assertThat(checked).hasSizeGreaterThan(50);
    }

    @Test
    void fieldNamesAreTheAgreedOnes() {
        assertThat(names(PromptRequest.SCHEMA$)).containsExactly("request_id", "conversation_id", "prompt",
                "messages", "model", "params", "metadata", "created_at", "response_format", "json_schema", "grammar",
                "kind", "continuation", "avro_subject", "history_mode", "end_conversation");
        assertThat(names(GenerationParams.SCHEMA$)).containsExactly("max_tokens", "temperature", "top_k", "top_p",
                "min_p", "repetition_penalty", "presence_penalty", "frequency_penalty", "seed", "stop", "logprobs",
                "emit_tokens", "token_grouping");
        assertThat(names(TokenEvent.SCHEMA$)).containsExactly("request_id", "index", "token_id", "text", "logprob",
                "top_logprobs", "group");
        assertThat(TokenGrouping.values()).extracting(Enum::name).containsExactly("token", "punctuation");
        assertThat(names(Completion.SCHEMA$)).containsExactly("request_id", "conversation_id", "model",
                "model_fingerprint", "seed", "text", "finish_reason", "usage", "timings", "metadata", "completed_at",
                "token_ids", "incomplete");
        assertThat(names(Score.SCHEMA$)).containsExactly("request_id", "conversation_id", "model", "model_fingerprint",
                "total_logprob", "token_count", "perplexity", "prompt_tokens", "tokens", "metadata", "scored_at");
        assertThat(ResponseFormat.values()).extracting(Enum::name).containsExactly("text", "json_object", "json_schema");
        assertThat(RequestKind.values()).extracting(Enum::name).containsExactly("generate", "score");
        assertThat(names(DeadLetter.SCHEMA$)).containsExactly("topic", "partition", "offset", "key", "value",
                "error_code", "reason", "request_id", "failed_at");
        assertThat(names(Timings.SCHEMA$)).containsExactly("queue_ms", "prefill_ms", "decode_ms",
                "time_to_first_token_ms");
        assertThat(names(Usage.SCHEMA$)).containsExactly("prompt_tokens", "completion_tokens", "cached_tokens");
        assertThat(Usage.newBuilder().setPromptTokens(3).setCompletionTokens(2).build().getCachedTokens()).isZero();
        assertThat(FinishReason.values()).extracting(Enum::name).containsExactly("stop", "length", "eos");
        assertThat(ErrorCode.values()).hasSize(16).extracting(Enum::name).contains("NOT_AVRO", "UNKNOWN_SCHEMA", "NO_CHAT_TEMPLATE",
                "CHAT_TEMPLATE_ERROR", "UNSUPPORTED_SCHEMA", "INVALID_GRAMMAR");
        assertThat(PromptRequest.SCHEMA$.getField("created_at").schema().getLogicalType().getName())
                .isEqualTo("timestamp-millis");
    }

    /** usage.cached_tokens was added with a default: a new reader reads completions written before it, as 0. */
    @Test
    void cachedTokensIsABackwardCompatibleAddition() {
        String json = Completion.SCHEMA$.toString();
        Schema before = new Schema.Parser().parse(json.replaceFirst(",\\{\"name\":\"cached_tokens\"[^}]*\\}", ""));
        assertThat(before.getField("usage").schema().getFields()).hasSize(2);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Completion.SCHEMA$, before).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void generationParamsDefaultsAreLlamaCpps() {
        GenerationParams p = GenerationParams.newBuilder().build();
        assertThat(p.getMaxTokens()).isEqualTo(256);
        assertThat(p.getTemperature()).isEqualTo(0.8f);
        assertThat(p.getTopK()).isEqualTo(40);
        assertThat(p.getTopP()).isEqualTo(0.95f);
        assertThat(p.getMinP()).isEqualTo(0.05f);
        assertThat(p.getRepetitionPenalty()).isEqualTo(1.0f);
        assertThat(p.getPresencePenalty()).isZero();
        assertThat(p.getFrequencyPenalty()).isZero();
        assertThat(p.getSeed()).isNull();
        assertThat(p.getStop()).isEmpty();
        assertThat(p.getLogprobs()).isZero();
        assertThat(p.getEmitTokens()).isTrue();
        assertThat(p.getTokenGrouping()).isEqualTo(TokenGrouping.token);
    }

    /**
     * token_grouping and TokenEvent.group were added at the end with defaults: each new schema reads what the old
     * one wrote (as one-token events), and an old reader reads the new records (ignoring the new field).
     */
    @Test
    void tokenGroupingIsACompatibleAddition() {
        Schema oldParams = withoutLastField(GenerationParams.SCHEMA$, "token_grouping");
        Schema oldEvent = withoutLastField(TokenEvent.SCHEMA$, "group");
        for (Schema[] pair : new Schema[][] {{GenerationParams.SCHEMA$, oldParams}, {TokenEvent.SCHEMA$, oldEvent}}) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(pair[0], pair[1]).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(pair[1], pair[0]).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void aRequestNeedsOnlyItsIdAndCreationTime() {
        PromptRequest r = PromptRequest.newBuilder().setRequestId("r1")
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
        assertThat(r.getPrompt()).isNull();
        assertThat(r.getMessages()).isNull();
        assertThat(r.getParams()).isNull();
        assertThat(r.getMetadata()).isEmpty();
        assertThat(r.getResponseFormat()).isEqualTo(ResponseFormat.text);
        assertThat(r.getKind()).isEqualTo(RequestKind.generate);
        assertThat(r.getHistoryMode()).hasToString("client");
        assertThat(r.getEndConversation()).isFalse();
    }

    /** The record as it was before its last field, {@code name}, was added. */
    private static Schema withoutLastField(Schema record, String name) {
        List<Schema.Field> fields = record.getFields();
        assertThat(fields.getLast().name()).isEqualTo(name);
        List<Schema.Field> kept = fields.subList(0, fields.size() - 1).stream().map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, kept);
    }

    private static List<String> names(Schema record) {
        return record.getFields().stream().map(Schema.Field::name).toList();
    }

    private static Set<Schema> allRecords() {
        Set<Schema> seen = new HashSet<>();
        TOP_LEVEL.forEach(s -> collect(s, seen));
        return seen;
    }

    private static void collect(Schema s, Set<Schema> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (seen.add(s)) s.getFields().forEach(f -> collect(f.schema(), seen));
            }
            case UNION -> s.getTypes().forEach(t -> collect(t, seen));
            case ARRAY -> collect(s.getElementType(), seen);
            case MAP -> collect(s.getValueType(), seen);
            default -> { }
        }
    }
}
