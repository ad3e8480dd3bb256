package dev.genstream.engine.chat;

import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.tokenizer.Tokenizer;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    private final Set<Integer> endOfTurn;

    public ChatPrompter(ChatTemplate template, Tokenizer tokenizer) {
        this.template = template;
        this.tokenizer = tokenizer;
        this.endOfTurn = probeEndOfTurn();
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

    /**
     * The control token that closes an assistant turn in this template, found by rendering a probe exchange: the
     * first non-blank token after the assistant's text, when it is a control token (ChatML's {@code <|im_end|>},
     * Llama 3's {@code <|eot_id|>}, Command-R's {@code <|END_OF_TURN_TOKEN|>}, ...). Empty when there is none or
     * the template rejects the probe. Generation should stop on it besides the tokenizer's end-of-generation ids.
     */
    public Set<Integer> endOfTurnTokens() {
        return endOfTurn;
    }

    private Set<Integer> probeEndOfTurn() {
        String reply = "Probe reply.";
        String text;
        try {
            text = template.render(List.of(Map.of("role", "user", "content", "Probe question?"),
                    Map.of("role", "assistant", "content", reply)), null, false, tokenText(tokenizer, tokenizer.bosId()),
                    tokenText(tokenizer, tokenizer.eosId()), LocalDateTime.of(2026, 1, 1, 0, 0)).text();
        } catch (TemplateException e) {
            return Set.of();
        }
        int at = text.lastIndexOf(reply);
        if (at < 0) return Set.of();
        for (int id : tokenizer.encode(text.substring(at + reply.length()), false, true)) {
            if (tokenizer.isControl(id)) return Set.of(id);
            if (!tokenizer.decode(new int[] {id}, true).isBlank()) return Set.of();
        }
        return Set.of();
    }

    /** @throws TemplateException when the template rejects the conversation */
    public int[] encode(List<? extends Map<String, ?>> messages, List<?> tools, LocalDateTime now) {
        return render(messages, tools, now).tokens(tokenizer);
    }
}
