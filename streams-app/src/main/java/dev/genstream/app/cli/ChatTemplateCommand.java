package dev.genstream.app.cli;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.chat.ChatTemplate;
import dev.genstream.engine.chat.TemplateException;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chat-template", description = {
        "Render a chat template for a conversation and print the text exactly, with nothing added.",
        "The template is the model's tokenizer.chat_template (--model) or a Jinja file (--template-file)."})
public final class ChatTemplateCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model whose template to render")
        Path model;

        @Option(names = "--template-file", paramLabel = "T", description = "Jinja chat template file")
        Path templateFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--messages-file", required = true, paramLabel = "M",
            description = "JSON array of messages ({\"role\":..., \"content\":...}), or an object with \"messages\" (and \"tools\")")
    Path messagesFile;

    @Option(names = "--tools-file", paramLabel = "T", description = "JSON array of tool definitions")
    Path toolsFile;

    @Option(names = "--add-generation-prompt", description = "End with the opening of the assistant's turn")
    boolean addGenerationPrompt;

    @Option(names = "--bos-token", paramLabel = "S", description = "bos_token (default: the model's BOS text, or empty)")
    String bosToken;

    @Option(names = "--eos-token", paramLabel = "S", description = "eos_token (default: the model's EOS text, or empty)")
    String eosToken;

    @Option(names = "--now", paramLabel = "ISO-8601", description = "The clock strftime_now reads, e.g. 2026-01-15T09:30:00 (default: now)")
    String now;

    @Override
    public Integer call() throws IOException {
        ChatMessagesJson.Conversation conv = ChatMessagesJson.read(messagesFile);
        List<Object> tools = toolsFile != null ? ChatMessagesJson.readTools(toolsFile) : conv.tools();
        String template, bos = "", eos = "";
        if (source.model != null) {
            try (TensorSource f = ModelFiles.open(source.model)) {
                template = ChatPrompter.templateOf(f.metadata()).orElseThrow(() ->
                        new IllegalArgumentException("the model has no chat template (" + ChatPrompter.METADATA_KEY + "); use --template-file"));
                Tokenizer tok = Tokenizer.fromGguf(f.metadata());
                bos = ChatPrompter.tokenText(tok, tok.bosId());
                eos = ChatPrompter.tokenText(tok, tok.eosId());
            }
        } else {
            template = Files.readString(source.templateFile, StandardCharsets.UTF_8);
        }
        try {
            ChatTemplate.Rendering r = ChatTemplate.of(template).render(conv.messages(), tools, addGenerationPrompt,
                    bosToken != null ? bosToken : bos, eosToken != null ? eosToken : eos, clock(now));
            System.out.write(r.text().getBytes(StandardCharsets.UTF_8));
            System.out.flush();
        } catch (TemplateException e) {
            throw new IllegalArgumentException(oneLine(e.getMessage()), e);
        }
        return 0;
    }

    static LocalDateTime clock(String iso) {
        if (iso == null) return LocalDateTime.now();
        try {
            return LocalDateTime.parse(iso);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(iso).toLocalDateTime();
            } catch (java.time.format.DateTimeParseException e2) {
                throw new IllegalArgumentException("--now is not an ISO-8601 date-time: " + iso);
            }
        }
    }

    static String oneLine(String s) {
        return s == null ? "template error" : s.replace("\r", "").replace("\n", "\\n");
    }
}
