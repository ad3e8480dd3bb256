package dev.genstream.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genstream.app.streams.GenstreamConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The recorded answers a replay is compared with: a results JSONL (batch --out, tail --json) or a completions topic. */
public final class Recorded {
    private Recorded() {}

    /** Completion and dead-letter lines of {@code file} for the given ids; lines of other types are ignored. */
    public static Map<String, JsonNode> fromFile(Path file, Set<String> ids) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line; (line = in.readLine()) != null; ) {
                n++;
                if (line.isBlank()) continue;
                JsonNode j;
                try {
                    j = AvroJson.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new IOException(file + " line " + n + " is not JSON");
                }
                String type = j.path("type").asText("completion");
                if (!j.hasNonNull("request_id") || !(type.equals("completion") || type.equals("dead_letter"))) continue;
                String id = j.get("request_id").asText();
                // A completion wins over a dead letter of the same id (e.g. a duplicate's).
                if (ids.contains(id) && (type.equals("completion") || !m.containsKey(id))) m.put(id, j);
            }
        }
        return m;
    }

    /** Completions of the given ids on {@code topic}, read from its beginning to its end. */
    public static Map<String, JsonNode> fromTopic(GenstreamConfig c, String topic, Set<String> ids) {
        Map<String, JsonNode> m = new HashMap<>();
        try (Answers answers = new Answers(c, topic, null)) {
            while (!answers.caughtUp()) {
                for (Answers.Answer a : answers.poll(Duration.ofMillis(200))) {
                    if (ids.contains(a.requestId())) m.put(a.requestId(), AvroJson.of("completion", a.completion()));
                }
            }
        }
        return m;
    }
}
