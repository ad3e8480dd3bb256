package dev.genstream.engine.chat;

import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.tokenizer.Tokenizer;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns chat messages into a model's prompt ids: its chat template rendered with the model's BOS/EOS texts, then
 * tokenized with special tokens parsed in the template's own text only. Generation then ends on the tokenizer's
 * end-of-generation ids (EOS, EOT and end-of-turn markers such as {@code <|im_end|>}).
 */
public final class ChatPrompter {
    /** The GGUF metadata key that carries a model's Jinja chat template. */
    public static final String METADATA_KEY = "tokenizer.chat_template";

    private final ChatTemplate template;
    private final Tokenizer tokenizer;

    public ChatPrompter(ChatTemplate template, Tokenizer tokenizer) {
        this.template = template;
        this.tokenizer = tokenizer;
    }

    /** The template a model carries, if any. */
    public static Optional<String> templateOf(GgufMetadata md) {
        String t = md.getString(METADATA_KEY, null);
        return t == null || t.isBlank() ? Optional.empty() : Optional.of(t);
    }

    /** The model's own template, or {@code override} when given; empty when neither exists. */
    public static Optional<ChatPrompter> forModel(GgufMetadata md, Tokenizer tokenizer, String override) {
        Optional<String> source = override != null ? Optional.of(override) : templateOf(md);
        return source.map(s -> new ChatPrompter(ChatTemplate.of(s), tokenizer));
    }

    /** HF's {@code bos_token}/{@code eos_token}: the texts of the model's BOS/EOS tokens, or empty. */
    public static String tokenText(Tokenizer tokenizer, int id) {
        return id >= 0 ? tokenizer.token(id) : "";
    }

    public ChatTemplate template() {
        return template;
    }

    /** The rendered prompt with a generation prompt for the assistant's next turn. */
    public ChatTemplate.Rendering render(List<? extends Map<String, ?>> messages, List<?> tools, LocalDateTime now) {
        return template.render(messages, tools, true, tokenText(tokenizer, tokenizer.bosId()),
                tokenText(tokenizer, tokenizer.eosId()), now);
    }

    /** @throws TemplateException when the template rejects the conversation */
    public int[] encode(List<? extends Map<String, ?>> messages, List<?> tools, LocalDateTime now) {
        return render(messages, tools, now).tokens(tokenizer);
    }
}
