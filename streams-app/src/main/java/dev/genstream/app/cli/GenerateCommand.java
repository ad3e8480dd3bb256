package dev.genstream.app.cli;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.chat.TemplateException;
import dev.genstream.engine.constrain.AvroSchemaCompiler;
import dev.genstream.engine.constrain.Grammar;
import dev.genstream.engine.constrain.JsonSchemaCompiler;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.generate.TokenOutput;
import dev.genstream.engine.sampling.TokenLogprob;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", description = {
        "Generate text from a prompt, streaming it to stdout; one stats line goes to stderr at the end.",
        "Sampling defaults follow llama.cpp (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05); --temperature 0 is greedy.",
        "With --json, --json-schema, --avro-schema or --grammar-file the output is constrained: a stop/eos finish is always a complete match."})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    static final class PromptSource {
        @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt")
        String text;

        @Option(names = {"-f", "--prompt-file"}, required = true, paramLabel = "FILE", description = "Read the prompt from a UTF-8 file ('-' = stdin)")
        Path file;

        @Option(names = "--messages-file", required = true, paramLabel = "F",
                description = "A chat as JSON (an array of messages, or {\"messages\": [...], \"tools\": [...]}), rendered with the model's chat template")
        Path messagesFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource prompt;

    @Option(names = "--logprobs", paramLabel = "N", defaultValue = "0",
            description = "After the text, print each token's logprob and its N most likely alternatives to stderr (0..20)")
    int logprobs;

    @Option(names = "--chat-template-file", paramLabel = "T", description = "Jinja chat template to use instead of the model's")
    Path chatTemplateFile;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "256", description = "Most tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Mixin
    SamplingOptions samplingOptions;

    @Option(names = "--stop", paramLabel = "STR", description = "Stop when this text appears (it is not printed); repeatable")
    List<String> stop = new ArrayList<>();

    @Mixin
    ContextOptions context;

    @Option(names = "--no-parse-special", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Read control-token text in the prompt (e.g. <|im_start|>) as those tokens (default: on)")
    boolean parseSpecial;

    @ArgGroup(exclusive = true)
    Constraint constraint;

    /** At most one way to constrain the output. */
    static final class Constraint {
        @Option(names = "--json", description = "Output any JSON object")
        boolean json;

        @Option(names = "--json-schema", paramLabel = "FILE", description = "Output JSON valid against this JSON Schema")
        Path jsonSchema;

        @Option(names = "--avro-schema", paramLabel = "FILE", description = "Output the JSON of a record of this Avro schema (.avsc)")
        Path avroSchema;

        @Option(names = "--grammar-file", paramLabel = "FILE.gbnf", description = "Output text matching this GBNF grammar (llama.cpp dialect)")
        Path grammarFile;

        Grammar compile() throws IOException {
            if (json) return Grammar.parse(JsonSchemaCompiler.anyObjectGbnf());
            if (jsonSchema != null) return JsonSchemaCompiler.compile(Files.readString(jsonSchema));
            if (avroSchema != null) return AvroSchemaCompiler.compile(Files.readString(avroSchema));
            return Grammar.parse(Files.readString(grammarFile));
        }
    }

    @Override
    public Integer call() throws IOException {
        if (maxTokens <= 0) throw new ParameterException(spec.commandLine(), "--max-tokens must be positive, got " + maxTokens);
        SamplingParams sampling = samplingOptions.params(logprobs);
        Grammar grammar = constraint == null ? null : constraint.compile();
        if (grammar != null && !stop.isEmpty()) throw new ParameterException(spec.commandLine(), "--stop cannot be combined with a grammar or schema");
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        String text = prompt.text != null ? prompt.text : prompt.file != null ? TextInput.read(prompt.file) : null;
        List<TokenOutput> tokens = new ArrayList<>();
        try (Model m = context.load(model)) {
            int ctx = m.contextSize();
            if (ctx < 2) throw new ParameterException(spec.commandLine(), "--ctx-size must be at least 2, got " + ctx);
            GenerationParams params = new GenerationParams(sampling, maxTokens, stop, grammar);
            ChatPrompter chat = prompt.messagesFile != null ? chat(m) : null;
            int[] ids = chat != null ? chatIds(chat) : m.tokenizer().encode(text, true, parseSpecial);
            if (chat != null) params = params.withEndTokens(chat.endOfTurnTokens());
            Generator.Result r = new Generator(m, m.tokenizer(), ctx).generate(ids, params, t -> {
                        if (logprobs > 0) tokens.add(t);
                        out.print(t.text());
                        out.flush();
                    });
            out.println();
            out.flush();
            for (TokenOutput t : tokens) System.err.println(logprobLine(t, m.tokenizer()));
            // One short generation in a fresh JVM: the prefill figure includes the JIT compiling the kernels.
            System.err.printf("[stats] prompt tokens: %d, generated tokens: %d, prefill (incl. JVM warm-up): %.1f tok/s, decode: %.1f tok/s, finish: %s%s, seed: %d, threads: %d%n",
                    r.promptTokens(), r.tokens().length, r.prefillTokensPerSecond(), r.decodeTokensPerSecond(),
                    r.finishReason().wireName(), grammar != null && r.incomplete() ? " (incomplete: the output does not match yet)" : "",
                    sampling.seed(), model.threads());
        }
        return 0;
    }

    private ChatPrompter chat(Model m) throws IOException {
        String override = chatTemplateFile != null ? Files.readString(chatTemplateFile, StandardCharsets.UTF_8) : null;
        return ChatPrompter.forModel(m.file().metadata(), m.tokenizer(), override).orElseThrow(() ->
                new IllegalArgumentException("the model has no chat template (" + ChatPrompter.METADATA_KEY
                        + "); give one with --chat-template-file"));
    }

    /** The chat rendered with the template, specials parsed in the template's own text only. */
    private int[] chatIds(ChatPrompter chat) throws IOException {
        ChatMessagesJson.Conversation conv = ChatMessagesJson.read(prompt.messagesFile);
        try {
            return chat.encode(conv.messages(), conv.tools(), LocalDateTime.now());
        } catch (TemplateException e) {
            throw new IllegalArgumentException("chat template: " + ChatTemplateCommand.oneLine(e.getMessage()), e);
        }
    }

    /** [logprob] #index id "text" logprob | "alt" logprob, ... */
    private static String logprobLine(TokenOutput t, Tokenizer tokenizer) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "[logprob] #%d %d %s %.4f", t.index(), t.tokenId(), quote(t.text()), t.logprob()));
        String sep = " |";
        for (TokenLogprob alt : t.topLogprobs()) {
            b.append(sep).append(String.format(Locale.ROOT, " %s %.4f", quote(tokenizer.decode(new int[] {alt.token()})), alt.logprob()));
            sep = ",";
        }
        return b.toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }
}
