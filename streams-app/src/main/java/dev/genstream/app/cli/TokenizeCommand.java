package dev.genstream.app.cli;

import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tokenize", description = "Print the token ids of a text (--text, or a file, '-' = stdin), space-separated, on one line.")
public final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    static final class Input {
        @Option(names = "--text-file", required = true, paramLabel = "F", description = "UTF-8 text to tokenize (all of it, newlines included); '-' = stdin")
        Path file;

        @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The text itself")
        String text;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--add-bos", description = "Start with the model's BOS token (whatever its add_bos_token says)")
    boolean addBos;

    @Option(names = "--parse-special", description = "Turn control-token text such as <|im_end|> into those tokens")
    boolean parseSpecial;

    @Override
    public Integer call() throws IOException {
        String text = input.text != null ? input.text : TextInput.read(input.file);
        try (TensorSource file = ModelFiles.open(model.path())) {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            int[] ids = tokenizer.encode(text, false, parseSpecial);
            if (addBos) {
                if (tokenizer.bosId() < 0) throw new IllegalArgumentException("this model has no BOS token");
                int[] withBos = new int[ids.length + 1];
                withBos[0] = tokenizer.bosId();
                System.arraycopy(ids, 0, withBos, 1, ids.length);
                ids = withBos;
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < ids.length; i++) line.append(i == 0 ? "" : " ").append(ids[i]);
            System.out.println(line);
        }
        return 0;
    }
}
