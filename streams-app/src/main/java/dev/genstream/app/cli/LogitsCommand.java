package dev.genstream.app.cli;

import dev.genstream.engine.io.Npy;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "logits", description = "Write the logits of one teacher-forced pass over the ids as a float32 [n_ids, vocab] .npy file.")
public final class LogitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    ContextOptions context;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "ID,ID,...", description = "Token ids, comma-separated")
    int[] ids;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Output file (numpy v1 .npy)")
    Path out;

    @Override
    public Integer call() throws IOException {
        try (Model m = context.load(model)) {
            int vocab = m.config().vocabSize();
            for (int id : ids) {
                if (id < 0 || id >= vocab) throw new ParameterException(spec.commandLine(), "token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
            if (ids.length > m.contextSize()) {
                throw new ParameterException(spec.commandLine(), ids.length + " ids exceed the context size of " + m.contextSize() + "; raise it with --ctx-size");
            }
            Transformer tf = m.transformer();
            float[] logits = tf.forward(List.of(new Transformer.Step(tf.newCache(ids.length), ids, true)))[0];
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out))) {
                Npy.write(os, logits, ids.length, vocab);
            }
            System.err.printf("wrote %s: float32 [%d, %d]%n", out, ids.length, vocab);
        }
        return 0;
    }
}
