package dev.genstream.app.cli;

import dev.genstream.app.registry.PortableSchema;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The wire schemas as other languages' producers and consumers need them: one self-contained file per topic. */
@Command(name = "schemas", description = {"Write the topics' Avro schemas as self-contained .avsc files (no references between files,",
        "no Java-only properties), exactly as the service registers them, for non-Java clients."})
public final class SchemasCommand implements Callable<Integer> {
    static final Map<String, Schema> SCHEMAS = Map.of(
            "PromptRequest", PromptRequest.getClassSchema(),
            "TokenEvent", TokenEvent.getClassSchema(),
            "Completion", Completion.getClassSchema(),
            "DeadLetter", DeadLetter.getClassSchema());

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Folder to write PromptRequest.avsc, TokenEvent.avsc, Completion.avsc, DeadLetter.avsc")
    Path out;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        for (var e : new java.util.TreeMap<>(SCHEMAS).entrySet()) {
            Path f = out.resolve(e.getKey() + ".avsc");
            Files.writeString(f, PortableSchema.json(e.getValue(), true) + "\n", StandardCharsets.UTF_8);
            System.out.println(f);
        }
        return 0;
    }
}
