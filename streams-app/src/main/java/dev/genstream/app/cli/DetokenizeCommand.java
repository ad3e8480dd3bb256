package dev.genstream.app.cli;

import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "detokenize", description = "Print the text of token ids (the inverse of tokenize), without a trailing newline.")
public final class DetokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "Token ids separated by spaces or commas, as tokenize prints them")
    String ids;

    @Override
    public Integer call() {
        try (TensorSource file = ModelFiles.open(model.path())) {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            String[] parts = ids.trim().split("[\\s,]+");
            int[] tokens = new int[parts[0].isEmpty() ? 0 : parts.length];
            for (int i = 0; i < tokens.length; i++) {
                try {
                    tokens[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--ids: '" + parts[i] + "' is not a token id");
                }
                if (tokens[i] < 0 || tokens[i] >= tokenizer.vocabSize()) {
                    throw new ParameterException(spec.commandLine(), "--ids: " + tokens[i] + " is outside the vocabulary (0.." + (tokenizer.vocabSize() - 1) + ")");
                }
            }
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.print(tokenizer.decode(tokens));
            out.flush();
        }
        return 0;
    }
}
