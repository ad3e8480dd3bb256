package dev.genstream.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/** The files of one checkpoint directory, read by name; it remembers which ones the model was built from. */
final class HfFiles {
    final Path dir;
    final ObjectMapper mapper = new ObjectMapper();
    private final TreeSet<String> used = new TreeSet<>();

    HfFiles(Path dir) {
        this.dir = dir;
    }

    boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    /** The path of a file the model uses; it must exist. */
    Path file(String name) {
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir.normalize())) throw new CheckpointFormatException(dir + ": file name " + name + " leaves the directory");
        if (!Files.isRegularFile(p)) throw new CheckpointFormatException(dir + " has no " + name);
        used.add(dir.normalize().relativize(p).toString());
        return p;
    }

    JsonNode json(String name) {
        Path p = file(name);
        try {
            JsonNode node = mapper.readTree(p.toFile());
            if (node == null || !node.isObject()) throw new CheckpointFormatException(name + ": not a JSON object");
            return node;
        } catch (IOException e) {
            throw new CheckpointFormatException(name + ": cannot read: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    String text(String name) {
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointFormatException(name + ": cannot read: " + e.getMessage());
        }
    }

    /** The files used so far, by name. */
    List<Path> used() {
        return used.stream().map(dir::resolve).toList();
    }
}
