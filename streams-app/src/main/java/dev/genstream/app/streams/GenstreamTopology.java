package dev.genstream.app.streams;

import dev.genstream.app.streams.conversation.ConversationProcessor;
import dev.genstream.app.streams.conversation.History;
import dev.genstream.app.streams.conversation.TurnQueue;
import dev.genstream.app.registry.AvroStringSerde;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.Score;
import dev.genstream.schemas.TokenEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * prompts → validate → (bad → dlq) → repartition by request_id → generate or score → tokens / completions /
 * scores / structured (records of a request's avro_subject, already in the wire format) (/ dlq).
 * Server-side conversation turns are repartitioned by conversation_id and answered by {@link ConversationProcessor}.
 */
public final class GenstreamTopology {
    /** The Avro serdes for each record type, and how to tell a decoding failure's dead-letter code. */
    public interface AvroSerdes {
        <T extends SpecificRecord> Serde<T> serde(Class<T> type);

        /** The dead-letter code of a poison record, or empty when the registry failed and the record must be retried. */
        Optional<ErrorCode> classify(Throwable decodingFailure);
    }

    private GenstreamTopology() {}

    public static Topology build(GenstreamConfig c, ModelService service, AvroSerdes avro) {
        return build(c, service, avro, null, new DeadLetterCounts());
    }

    /**
     * @param subjects    resolves requests' avro_subject (null: no registry)
     * @param deadLetters counts dead letters by code, for the metrics
     */
    public static Topology build(GenstreamConfig c, ModelService service, AvroSerdes avro, AvroSubjects subjects, DeadLetterCounts deadLetters) {
        String prompts = c.get(GenstreamConfig.TOPIC_PROMPTS);
        Serde<PromptRequest> requestSerde = avro.serde(PromptRequest.class);
        PromptValidator validator = new PromptValidator(service.model().tokenizer(), service.chat(), service.alias(),
                service.contextSize(), service.maxTokensLimit(), subjects);
        Serde<String> outKeys = outputKeys(c);
        Function<byte[], PromptRequest> decode = bytes -> requestSerde.deserializer().deserialize(prompts, bytes);
        RegistryStatus registry = RegistryStatus.of(c);

        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ValidateProcessor.AWAITING_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GenerationProcessor.PROGRESS_STORE),
                Serdes.String(), Serdes.ByteArray())); // a ProgressLog
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GenerationProcessor.DONE_STORE),
                Serdes.String(), Serdes.Long()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConversationProcessor.HISTORY_STORE),
                Serdes.String(), History.serde()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConversationProcessor.QUEUE_STORE),
                Serdes.String(), TurnQueue.serde()));

        KStream<String, SpecificRecord> validated = b.stream(prompts, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("prompts"))
                .process(() -> new ValidateProcessor(decode, avro::classify, validator, registry), Named.as("validate"),
                        ValidateProcessor.AWAITING_STORE);
        Map<String, KStream<String, SpecificRecord>> v = validated.split(Named.as("validated-"))
                .branch((k, r) -> r instanceof DeadLetter, Branched.as("bad"))
                .defaultBranch(Branched.as("good"));
        toDlq(v.get("validated-bad"), c, avro, "dlq-invalid", deadLetters, outKeys);

        Map<String, KStream<String, PromptRequest>> good = v.get("validated-good")
                .mapValues(r -> (PromptRequest) r, Named.as("as-request"))
                .split(Named.as("mode-"))
                .branch((k, r) -> r.getHistoryMode() == HistoryMode.server || r.getEndConversation(), Branched.as("conversation"))
                .defaultBranch(Branched.as("single"));
        KStream<String, SpecificRecord> conversations = good.get("mode-conversation")
                .selectKey((k, r) -> r.getConversationId(), Named.as("by-conversation"))
                .repartition(Repartitioned.with(Serdes.String(), requestSerde).withName("conversation-requests"))
                .process(() -> new ConversationProcessor(service, validator,
                                Duration.ofMillis(c.getLong(GenstreamConfig.PUNCTUATE_MS)), c.getLong(GenstreamConfig.CONVERSATION_TTL_MS), registry),
                        Named.as("converse"), ConversationProcessor.HISTORY_STORE, ConversationProcessor.QUEUE_STORE);
        KStream<String, SpecificRecord> generated = good.get("mode-single")
                .repartition(Repartitioned.with(Serdes.String(), requestSerde).withName("requests"))
                .process(() -> new GenerationProcessor(service, validator,
                                Duration.ofMillis(c.getLong(GenstreamConfig.PUNCTUATE_MS)), c.getLong(GenstreamConfig.DEDUP_RETENTION_MS), registry),
                        Named.as("generate"), GenerationProcessor.PROGRESS_STORE, GenerationProcessor.DONE_STORE);
        Map<String, KStream<String, SpecificRecord>> out = generated.merge(conversations, Named.as("replies")).split(Named.as("out-"))
                .branch((k, r) -> r instanceof TokenEvent, Branched.as("tokens"))
                .branch((k, r) -> r instanceof Completion, Branched.as("completions"))
                .branch((k, r) -> r instanceof Score, Branched.as("scores"))
                .branch((k, r) -> r instanceof StructuredOutput, Branched.as("structured"))
                .defaultBranch(Branched.as("dlq"));
        out.get("out-tokens").mapValues(r -> (TokenEvent) r, Named.as("as-token"))
                .to(c.get(GenstreamConfig.TOPIC_TOKENS), Produced.with(outKeys, avro.serde(TokenEvent.class)).withName("tokens"));
        out.get("out-completions").mapValues(r -> (Completion) r, Named.as("as-completion"))
                .to(c.get(GenstreamConfig.TOPIC_COMPLETIONS), Produced.with(outKeys, avro.serde(Completion.class)).withName("completions"));
        out.get("out-scores").mapValues(r -> (Score) r, Named.as("as-score"))
                .to(c.get(GenstreamConfig.TOPIC_SCORES), Produced.with(outKeys, avro.serde(Score.class)).withName("scores"));
        out.get("out-structured").mapValues(r -> ((StructuredOutput) r).wire(), Named.as("as-structured"))
                .to(c.get(GenstreamConfig.TOPIC_STRUCTURED), Produced.with(outKeys, Serdes.ByteArray()).withName("structured"));
        toDlq(out.get("out-dlq"), c, avro, "dlq-generation", deadLetters, outKeys);
        return b.build();
    }

    /** Output keys (request ids): plain UTF-8 by default, or Avro strings with the registry header for Avro-keyed consumers. */
    static Serde<String> outputKeys(GenstreamConfig c) {
        return switch (c.get(GenstreamConfig.OUTPUT_KEY_FORMAT)) {
            case "string" -> Serdes.String();
            case "avro-string" -> new AvroStringSerde(c.kafka(), true);
            default -> throw new IllegalArgumentException(GenstreamConfig.OUTPUT_KEY_FORMAT + " must be string or avro-string, got '"
                    + c.get(GenstreamConfig.OUTPUT_KEY_FORMAT) + "'");
        };
    }

    private static void toDlq(KStream<String, SpecificRecord> s, GenstreamConfig c, AvroSerdes avro, String name, DeadLetterCounts counts,
                              Serde<String> keys) {
        s.mapValues(r -> (DeadLetter) r, Named.as("as-" + name))
                .peek((k, d) -> counts.count(d), Named.as("count-" + name))
                .to(c.get(GenstreamConfig.TOPIC_DLQ), Produced.with(keys, avro.serde(DeadLetter.class)).withName(name));
    }
}
