package dev.genstream.app.cli;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.chat.TemplateException;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "chat", description = {
        "Talk to a model in the terminal: each line you type is a user turn, rendered with the model's chat template.",
        "The conversation is kept in memory; when it outgrows the context, the oldest turns after the system message",
        "are dropped. An empty line or end of input (Ctrl-D) ends the chat."})
public final class ChatCommand implements Callable<Integer> {
    /** Enough for the history of a long chat at the 1B shape (32 KB per position in F32). */
    static final long PREFIX_CACHE_BYTES = 256L << 20;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message to start the conversation with")
    String system;

    @Option(names = "--chat-template-file", paramLabel = "T", description = "Jinja chat template to use instead of the model's")
    Path chatTemplateFile;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "256", description = "Most tokens per reply (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Mixin
    SamplingOptions samplingOptions;

    @Mixin
    ContextOptions context;

    @Override
    public Integer call() throws IOException {
        if (maxTokens <= 0) throw new ParameterException(spec.commandLine(), "--max-tokens must be positive, got " + maxTokens);
        SamplingParams sampling = samplingOptions.params(0);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Model m = context.load(model)) {
            String override = chatTemplateFile != null ? Files.readString(chatTemplateFile, StandardCharsets.UTF_8) : null;
            ChatPrompter chat = ChatPrompter.forModel(m.file().metadata(), m.tokenizer(), override).orElseThrow(() ->
                    new IllegalArgumentException("the model has no chat template (" + ChatPrompter.METADATA_KEY
                            + "); give one with --chat-template-file"));
            int ctx = m.contextSize();
            Generator generator = new Generator(m, m.tokenizer(), ctx, PREFIX_CACHE_BYTES);
            List<Map<String, Object>> history = new ArrayList<>();
            if (system != null) history.add(Map.of("role", "system", "content", system));
            System.err.println("[chat] seed " + sampling.seed() + "; an empty line or Ctrl-D ends the chat");
            while (true) {
                System.err.print("> ");
                System.err.flush();
                String line = in.readLine();
                if (line == null || line.isBlank()) break;
                history.add(Map.of("role", "user", "content", line));
                int[] ids = fit(chat, history, ctx);
                if (ids == null) {
                    history.removeLast();
                    System.err.println("[chat] that message does not fit the context of " + ctx + " tokens");
                    continue;
                }
                Generator.Result r = generator.generate(ids, new GenerationParams(sampling, maxTokens, List.of(), chat.endOfTurnTokens()), t -> out.print(t.text()));
                out.println();
                history.add(Map.of("role", "assistant", "content", r.text()));
            }
        }
        return 0;
    }

    /** The prompt ids, dropping the oldest turns after a system message until the prompt and a reply fit; null if none does. */
    private int[] fit(ChatPrompter chat, List<Map<String, Object>> history, int ctx) {
        int first = !history.isEmpty() && "system".equals(history.getFirst().get("role")) ? 1 : 0;
        while (true) {
            int[] ids;
            try {
                ids = chat.encode(history, null, LocalDateTime.now());
            } catch (TemplateException e) {
                throw new IllegalArgumentException("chat template: " + ChatTemplateCommand.oneLine(e.getMessage()), e);
            }
            if (ids.length + maxTokens <= ctx || (history.size() - first <= 1 && ids.length < ctx)) return ids;
            if (history.size() - first <= 1) return null;
            history.remove(first);
            if (history.size() - first > 1 && "assistant".equals(history.get(first).get("role"))) history.remove(first);
        }
    }
}
