package dev.genstream.app.cli;

import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.PromptRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", description = {"Send prompt requests from a JSONL file (or stdin) to the prompts topic, as Avro via the registry.",
        "Each line: {\"request_id\":\"r1\",\"prompt\":\"...\",\"params\":{\"max_tokens\":64,\"temperature\":0.7,\"seed\":1}}"})
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE.jsonl", description = "Prompts, one JSON object per line (default: stdin)")
    Path file;

    @Override
    public Integer call() throws Exception {
        GenstreamConfig c = kafka.connect();
        String topic = c.get(GenstreamConfig.TOPIC_PROMPTS);
        int sent = 0;
        try (BufferedReader in = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
             var serde = GenstreamSerdes.forClass(PromptRequest.class, c.kafka(), false);
             KafkaProducer<String, PromptRequest> producer = new KafkaProducer<>(c.kafka(), new StringSerializer(), serde.serializer())) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                PromptRequest r;
                try {
                    r = PromptJson.parse(line);
                } catch (Exception e) {
                    throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage());
                }
                String key = r.getConversationId() != null ? r.getConversationId() : r.getRequestId();
                producer.send(new ProducerRecord<>(topic, key, r)).get();
                System.out.println(r.getRequestId());
                sent++;
            }
        }
        System.err.printf("sent %d prompt(s) to %s%n", sent, topic);
        return 0;
    }
}
