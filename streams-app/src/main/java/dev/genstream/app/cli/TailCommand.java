package dev.genstream.app.cli;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.TokenEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tail", description = "Follow the output topics (committed records only): token deltas, completions and dead letters.")
public final class TailCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--from-beginning", description = "Start at the earliest records instead of new ones")
    boolean fromBeginning;

    @Option(names = "--no-tokens", description = "Show completions and dead letters only")
    boolean noTokens;

    @Option(names = "--max-seconds", paramLabel = "S", description = "Stop after this long (default: run until Ctrl-C)")
    Long maxSeconds;

    @Override
    public Integer call() throws Exception {
        GenstreamConfig c = kafka.connect();
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "genstream-tail-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        props.put("enable.auto.commit", "false");
        String tokens = c.get(GenstreamConfig.TOPIC_TOKENS), completions = c.get(GenstreamConfig.TOPIC_COMPLETIONS), dlq = c.get(GenstreamConfig.TOPIC_DLQ);
        Map<String, Deserializer<? extends SpecificRecord>> decoders = Map.of(
                tokens, GenstreamSerdes.forClass(TokenEvent.class, c.kafka(), false).deserializer(),
                completions, GenstreamSerdes.forClass(Completion.class, c.kafka(), false).deserializer(),
                dlq, GenstreamSerdes.forClass(DeadLetter.class, c.kafka(), false).deserializer());
        long end = maxSeconds == null ? Long.MAX_VALUE : System.currentTimeMillis() + maxSeconds * 1000;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(noTokens ? List.of(completions, dlq) : List.of(tokens, completions, dlq));
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    SpecificRecord v = decoders.get(r.topic()).deserialize(r.topic(), r.value());
                    switch (v) {
                        case TokenEvent t -> System.out.printf("token      %s #%d %s%n", t.getRequestId(), t.getIndex(), quote(t.getText()));
                        case Completion cp -> System.out.printf("completion %s [%s, %d tokens, seed %d] %s%n", cp.getRequestId(),
                                cp.getFinishReason(), cp.getUsage().getCompletionTokens(), cp.getSeed(), quote(cp.getText()));
                        case DeadLetter d -> System.out.printf("dead       %s %s: %s (from %s/%d@%d)%n", d.getRequestId(), d.getErrorCode(),
                                d.getReason(), d.getTopic(), d.getPartition(), d.getOffset());
                        default -> System.out.println(v);
                    }
                }
                System.out.flush();
            }
        }
        return 0;
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }
}
