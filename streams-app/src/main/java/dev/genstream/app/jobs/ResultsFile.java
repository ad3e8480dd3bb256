package dev.genstream.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSONL results file, one answer per line, appended as answers arrive. Reopening it finds the request ids
 * already answered; a last line cut short by a crash is dropped (its answer is read again from the topic).
 */
public final class ResultsFile implements AutoCloseable {
    private final Map<String, JsonNode> answered = new LinkedHashMap<>();
    private final BufferedWriter out;
    private final boolean droppedPartialLine;

    public ResultsFile(Path file) throws IOException {
        boolean dropped = false;
        if (Files.exists(file)) {
            byte[] all = Files.readAllBytes(file);
            int end = all.length;
            while (end > 0 && all[end - 1] != '\n') end--;
            if (end < all.length) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(end);
                }
                dropped = true;
            }
            int n = 0;
            for (String line : new String(all, 0, end, StandardCharsets.UTF_8).split("\n")) {
                n++;
                if (line.isBlank()) continue;
                JsonNode j;
                try {
                    j = AvroJson.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new IOException(file + " line " + n + " is not a results line (not JSON); is --out the right file?");
                }
                if (j == null || !j.hasNonNull("request_id") || !j.hasNonNull("type")) {
                    throw new IOException(file + " line " + n + " is not a results line (no type and request_id); is --out the right file?");
                }
                answered.put(j.get("request_id").asText(), j);
            }
        }
        this.droppedPartialLine = dropped;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The lines already in the file, by request id. */
    public Map<String, JsonNode> answered() {
        return answered;
    }

    public boolean droppedPartialLine() {
        return droppedPartialLine;
    }

    public void append(ObjectNode line) throws IOException {
        answered.put(line.get("request_id").asText(), line);
        out.write(AvroJson.MAPPER.writeValueAsString(line));
        out.write('\n');
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
