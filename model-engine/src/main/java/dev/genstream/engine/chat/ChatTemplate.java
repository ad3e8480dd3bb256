package dev.genstream.engine.chat;

import dev.genstream.engine.tokenizer.Tokenizer;

import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model's chat template ({@code tokenizer.chat_template}), rendered with the variables of HF's
 * {@code apply_chat_template}. The rendering keeps apart what the template wrote and what came from the messages and
 * tools, so that only the template's own text may become control tokens (see {@link Rendering#tokens}).
 *
 * <p>Every string in {@code messages} and {@code tools}, keys included, counts as user content, except each message's
 * {@code role}: templates splice the role into control markers ({@code '<|' + role + '|>'}), so a role must be a
 * plain name, checked here.
 *
 * <p>Instances are immutable and thread-safe: each rendering runs in its own interpreter.
 */
public final class ChatTemplate {
    private static final Pattern ROLE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");

    private final String source;
    private final JinjaTemplate template;

    private ChatTemplate(String source, JinjaTemplate template) {
        this.source = source;
        this.template = template;
    }

    /** @throws TemplateException when the template does not parse */
    public static ChatTemplate of(String source) {
        return new ChatTemplate(source, JinjaTemplate.parse(source));
    }

    public String source() {
        return source;
    }

    /**
     * @param messages JSON-like maps ({@code role}, {@code content}, {@code tool_calls}, ...)
     * @param tools    JSON-like tool definitions, or null when the request has none (then {@code tools} is undefined)
     * @param now      the clock {@code strftime_now} reads
     * @throws TemplateException when the template raises or fails
     */
    public Rendering render(List<? extends Map<String, ?>> messages, List<?> tools, boolean addGenerationPrompt,
                            String bosToken, String eosToken, LocalDateTime now) {
        Map<String, Object> vars = new LinkedHashMap<>();
        List<Object> msgs = new ArrayList<>();
        for (Map<String, ?> m : messages) {
            if (m.get("role") != null && !(m.get("role") instanceof CharSequence r && ROLE.matcher(r).matches())) {
                throw new TemplateException("a message role must be a plain name (letters, digits, _ or -), got: "
                        + m.get("role"));
            }
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(PyStr.user(k), Py.fromJava(v, !k.equals("role"))));
            msgs.add(out);
        }
        vars.put("messages", msgs);
        if (tools != null) vars.put("tools", Py.fromJava(tools, true));
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken == null ? "" : bosToken);
        vars.put("eos_token", eosToken == null ? "" : eosToken);
        return new Rendering(template.render(vars, now));
    }

    /** The rendered prompt: the whole text, and its runs of template text and user content. */
    public static final class Rendering {
        private final PyStr text;

        Rendering(PyStr text) {
            this.text = text;
        }

        public String text() {
            return text.text;
        }

        /** Which characters of {@link #text()} came from user content. */
        public BitSet userContent() {
            BitSet b = new BitSet(text.length());
            for (int i = 0; i < text.length(); i++) if (text.isUser(i)) b.set(i);
            return b;
        }

        /**
         * The prompt's token ids: special tokens are parsed in the template's own text only, so no user span can
         * produce a control id. BOS/EOS are not added: the template writes them (as HF's apply_chat_template).
         */
        public int[] tokens(Tokenizer tokenizer) {
            return tokenizer.encode(text.text, userContent(), false);
        }

        public List<Segment> segments() {
            List<Segment> out = new ArrayList<>();
            int start = 0;
            for (int i = 1; i <= text.length(); i++) {
                if (i == text.length() || text.isUser(i) != text.isUser(start)) {
                    out.add(new Segment(text.text.substring(start, i), text.isUser(start)));
                    start = i;
                }
            }
            return out;
        }
    }
}
