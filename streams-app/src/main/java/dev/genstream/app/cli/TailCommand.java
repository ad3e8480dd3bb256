package dev.genstream.app.cli;

import dev.genstream.app.jobs.AvroJson;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.app.registry.WireFormat;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.Score;
import dev.genstream.schemas.TokenEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tail", description = {"Follow the output topics (committed records only): token deltas, completions, scores, structured records and dead letters.",
        "--json writes one JSON object per record: {\"type\": \"token\"|\"completion\"|\"score\"|\"dead_letter\", ...the record's schema fields},",
        "or {\"type\": \"structured\", \"request_id\": ..., \"record\": {...}} for a record on the structured topic."})
public final class TailCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--from-beginning", description = "Start at the earliest records instead of new ones")
    boolean fromBeginning;

    @Option(names = "--no-tokens", description = "Show completions and dead letters only")
    boolean noTokens;

    @Option(names = "--max-seconds", paramLabel = "S", description = "Stop after this long (default: run until Ctrl-C)")
    Long maxSeconds;

    @Option(names = "--json", description = "One JSON object per line instead of the readable form")
    boolean json;

    @Option(names = "--until-idle", paramLabel = "SECONDS", description = "Stop once no record has arrived for this long")
    Long untilIdle;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N completions and dead letters (tokens do not count)")
    Long count;

    @Override
    public Integer call() throws Exception {
        GenstreamConfig c = kafka.connect();
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "genstream-tail-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        props.put("enable.auto.commit", "false");
        String tokens = c.get(GenstreamConfig.TOPIC_TOKENS), completions = c.get(GenstreamConfig.TOPIC_COMPLETIONS), dlq = c.get(GenstreamConfig.TOPIC_DLQ);
        String scores = c.get(GenstreamConfig.TOPIC_SCORES), structured = c.get(GenstreamConfig.TOPIC_STRUCTURED);
        Map<String, Deserializer<? extends SpecificRecord>> decoders = Map.of(
                tokens, GenstreamSerdes.forClass(TokenEvent.class, c.kafka(), false).deserializer(),
                completions, GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer(),
                dlq, GenstreamSerdes.forClass(DeadLetter.class, c.kafka(), false).deserializer(),
                scores, GenstreamSerdes.forClass(Score.class, c.kafka(), false).deserializer());
        if (untilIdle != null && untilIdle <= 0) throw new IllegalArgumentException("--until-idle must be positive, got " + untilIdle);
        if (count != null && count <= 0) throw new IllegalArgumentException("--count must be positive, got " + count);
        long end = maxSeconds == null ? Long.MAX_VALUE : System.currentTimeMillis() + maxSeconds * 1000;
        long lastRecord = System.currentTimeMillis(), answers = 0;
        try (SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(c.kafka());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(noTokens ? List.of(completions, dlq, scores, structured) : List.of(tokens, completions, dlq, scores, structured));
            poll:
            while (System.currentTimeMillis() < end) {
                var records = consumer.poll(Duration.ofMillis(200));
                // Idle counts from when partitions are assigned, not from the group join.
                if (!records.isEmpty() || consumer.assignment().isEmpty()) lastRecord = System.currentTimeMillis();
                else if (untilIdle != null && System.currentTimeMillis() - lastRecord >= untilIdle * 1000) break;
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.topic().equals(structured)) {
                        String datum = structuredRecord(registry, r.topic(), r.value());
                        if (json) {
                            var node = AvroJson.MAPPER.createObjectNode().put("type", "structured").put("request_id", r.key());
                            node.set("record", AvroJson.MAPPER.readTree(datum));
                            System.out.println(AvroJson.MAPPER.writeValueAsString(node));
                        } else {
                            System.out.printf("structured %s %s%n", r.key(), datum);
                        }
                        continue;
                    }
                    SpecificRecord v = decoders.get(r.topic()).deserialize(r.topic(), r.value());
                    if (json) System.out.println(AvroJson.MAPPER.writeValueAsString(AvroJson.of(typeOf(v), (IndexedRecord) v)));
                    else print(v);
                    if (!(v instanceof TokenEvent) && count != null && ++answers >= count) break poll;
                }
                System.out.flush();
            }
        }
        System.out.flush();
        return 0;
    }

    private static String typeOf(SpecificRecord v) {
        return switch (v) {
            case TokenEvent t -> "token";
            case Completion c -> "completion";
            case Score sc -> "score";
            default -> "dead_letter";
        };
    }

    private static void print(SpecificRecord v) {
        switch (v) {
            case TokenEvent t -> System.out.printf("token      %s #%d %s%n", t.getRequestId(), t.getIndex(), quote(t.getText()));
            case Completion cp -> System.out.printf("completion %s [%s, %d tokens, seed %d] %s%n", cp.getRequestId(),
                    cp.getFinishReason(), cp.getUsage().getCompletionTokens(), cp.getSeed(), quote(cp.getText()));
            case Score sc -> System.out.printf("score      %s [%d tokens] total logprob %.4f, perplexity %.4f%n", sc.getRequestId(),
                    sc.getTokenCount(), sc.getTotalLogprob(), sc.getPerplexity());
            case DeadLetter d -> System.out.printf("dead       %s %s: %s (from %s/%d@%d)%n", d.getRequestId(), d.getErrorCode(),
                    d.getReason(), d.getTopic(), d.getPartition(), d.getOffset());
            default -> System.out.println(v);
        }
    }

    /** A wire-format record of any registered schema, as Avro's JSON text. */
    private static String structuredRecord(SchemaRegistryClient registry, String topic, byte[] wire) throws java.io.IOException {
        org.apache.avro.Schema schema = registry.getById(WireFormat.schemaId(topic, wire));
        Object datum = new org.apache.avro.generic.GenericDatumReader<>(schema).read(null,
                org.apache.avro.io.DecoderFactory.get().binaryDecoder(wire, WireFormat.HEADER_SIZE, wire.length - WireFormat.HEADER_SIZE, null));
        return String.valueOf(datum);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }
}
