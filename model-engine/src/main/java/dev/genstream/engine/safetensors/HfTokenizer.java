package dev.genstream.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code tokenizer.json} and {@code tokenizer_config.json} as the {@code tokenizer.*} metadata llama.cpp's converter
 * would write: the vocabulary padded to the model's size, token types (special added tokens are control tokens,
 * other added tokens user-defined), merges, the pre-tokenizer's regexes, special ids, add-BOS/EOS and the chat
 * template. Byte-level BPE only: other models, normalizers and decoders fail with their name.
 */
final class HfTokenizer {
    private static final int NORMAL = 1, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5;

    private HfTokenizer() {}

    static void addMetadata(HfFiles files, JsonNode config, int modelVocab, Map<String, Object> md) {
        JsonNode root = files.json("tokenizer.json");
        JsonNode model = root.path("model");
        if (!model.path("type").asText().equals("BPE") || model.path("byte_fallback").asBoolean(false)) {
            throw new CheckpointFormatException("tokenizer.json: model " + model.path("type").asText("?")
                    + (model.path("byte_fallback").asBoolean(false) ? " with byte_fallback" : "")
                    + " is not supported (supported: byte-level BPE)");
        }
        unsupportedUnlessNull(root.path("normalizer"), "normalizer");
        JsonNode decoder = root.path("decoder");
        if (!decoder.isMissingNode() && !decoder.isNull() && !decoder.path("type").asText().equals("ByteLevel")) {
            throw new CheckpointFormatException("tokenizer.json: decoder " + decoder.path("type").asText() + " is not supported (supported: ByteLevel)");
        }

        String[] tokens = vocabulary(root, model, modelVocab);
        int[] types = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) types[i] = tokens[i] == null ? UNUSED : NORMAL;
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt();
            tokens[id] = added.path("content").asText();
            types[id] = added.path("special").asBoolean(false) ? CONTROL : USER_DEFINED;
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) tokens[i] = "[PAD" + i + "]";
        }
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.merges", merges(model.path("merges")));
        preTokenizer(root.path("pre_tokenizer"), model, md);

        JsonNode tc = files.exists("tokenizer_config.json") ? files.json("tokenizer_config.json") : null;
        Map<String, Integer> ids = new java.util.HashMap<>();
        for (int i = 0; i < tokens.length; i++) ids.putIfAbsent(tokens[i], i);
        special(md, "bos_token_id", tc, "bos_token", config.path("bos_token_id"), ids);
        special(md, "eos_token_id", tc, "eos_token", config.path("eos_token_id"), ids);
        special(md, "unknown_token_id", tc, "unk_token", null, ids);
        special(md, "padding_token_id", tc, "pad_token", config.path("pad_token_id"), ids);
        boolean addBos = tc != null && tc.has("add_bos_token") ? tc.get("add_bos_token").asBoolean()
                : md.containsKey("tokenizer.ggml.bos_token_id") && prependsBos(root.path("post_processor"), tokens,
                        ((Number) md.get("tokenizer.ggml.bos_token_id")).intValue());
        md.put("tokenizer.ggml.add_bos_token", addBos);
        md.put("tokenizer.ggml.add_eos_token", tc != null && tc.path("add_eos_token").asBoolean(false));
        String template = chatTemplate(files, tc);
        if (template != null) md.put("tokenizer.chat_template", template);
    }

    /** Tokens by id, null where no token has the id; as long as the model's vocabulary when that is larger. */
    private static String[] vocabulary(JsonNode root, JsonNode model, int modelVocab) {
        int size = modelVocab;
        for (JsonNode id : model.path("vocab")) size = Math.max(size, id.asInt() + 1);
        for (JsonNode added : root.path("added_tokens")) size = Math.max(size, added.path("id").asInt() + 1);
        String[] tokens = new String[size];
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0) throw new CheckpointFormatException("tokenizer.json: token " + e.getKey() + " has id " + e.getValue());
            tokens[id] = e.getKey();
        }
        return tokens;
    }

    /** Merges are "a b" strings (older files) or [a, b] pairs. */
    private static String[] merges(JsonNode merges) {
        String[] out = new String[merges.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode m = merges.get(i);
            out[i] = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
        }
        return out;
    }

    /**
     * A lone ByteLevel pre-tokenizer is llama.cpp's "gpt-2"; anything else becomes the list of its Split regexes,
     * each refining the pieces of the one before, as llama.cpp runs its lists.
     */
    private static void preTokenizer(JsonNode node, JsonNode model, Map<String, Object> md) {
        List<String> regexes = new ArrayList<>();
        collectSplits(node, regexes);
        if (regexes.equals(List.of(BYTE_LEVEL_REGEX))) {
            md.put("tokenizer.ggml.pre", "gpt-2");
        } else {
            md.put("tokenizer.ggml.pre", "tokenizer.json");
            md.put(Tokenizer.PRE_REGEXES_KEY, regexes.toArray(String[]::new));
        }
        md.put(Tokenizer.IGNORE_MERGES_KEY, model.path("ignore_merges").asBoolean(false));
    }

    /** The GPT-2 regex HF's ByteLevel pre-tokenizer splits with when use_regex is set. */
    private static final String BYTE_LEVEL_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static void collectSplits(JsonNode node, List<String> regexes) {
        if (node.isMissingNode() || node.isNull()) return;
        String type = node.path("type").asText();
        switch (type) {
            case "Sequence" -> {
                for (JsonNode p : node.path("pretokenizers")) collectSplits(p, regexes);
            }
            case "ByteLevel" -> {
                if (node.path("add_prefix_space").asBoolean(false)) {
                    throw new CheckpointFormatException("tokenizer.json: ByteLevel add_prefix_space is not supported");
                }
                if (node.path("use_regex").asBoolean(true)) regexes.add(BYTE_LEVEL_REGEX);
            }
            case "Split" -> {
                String behavior = node.path("behavior").asText();
                if (!behavior.equals("Isolated") || node.path("invert").asBoolean(false)) {
                    throw new CheckpointFormatException("tokenizer.json: Split with behavior " + behavior
                            + (node.path("invert").asBoolean(false) ? " (inverted)" : "") + " is not supported (supported: Isolated)");
                }
                JsonNode pattern = node.path("pattern");
                if (pattern.has("Regex")) regexes.add(pattern.get("Regex").asText());
                else if (pattern.has("String")) regexes.add(Pattern.quote(pattern.get("String").asText()));
                else throw new CheckpointFormatException("tokenizer.json: Split without a pattern");
            }
            case "Digits" -> regexes.add(node.path("individual_digits").asBoolean(false) ? "\\p{N}" : "\\p{N}+");
            default -> throw new CheckpointFormatException("tokenizer.json: pre-tokenizer " + type
                    + " is not supported (supported: ByteLevel, Split, Digits, Sequence)");
        }
    }

    /**
     * The id of tokenizer_config's token text ({@code "<s>"} or {@code {"content": "<s>"}}) when the vocabulary has
     * it, else config.json's id (the first, when it lists several).
     */
    private static void special(Map<String, Object> md, String key, JsonNode tc, String field, JsonNode configId,
                                Map<String, Integer> ids) {
        JsonNode t = tc == null ? null : tc.get(field);
        if (t != null && t.isObject()) t = t.get("content");
        Integer id = t != null && t.isTextual() ? ids.get(t.asText()) : null;
        if (id != null) {
            md.put("tokenizer.ggml." + key, (long) id);
            return;
        }
        if (configId != null && configId.isArray() && !configId.isEmpty()) configId = configId.get(0);
        if (configId != null && configId.isIntegralNumber()) md.put("tokenizer.ggml." + key, configId.asLong());
    }

    /** Whether the post-processor's single-sequence template starts with the BOS token (Llama 3's TemplateProcessing). */
    private static boolean prependsBos(JsonNode post, String[] tokens, int bos) {
        if (post.isMissingNode() || post.isNull()) return false;
        if (post.path("type").asText().equals("Sequence")) {
            for (JsonNode p : post.path("processors")) if (prependsBos(p, tokens, bos)) return true;
            return false;
        }
        JsonNode first = post.path("single").path(0).path("SpecialToken").path("id");
        return post.path("type").asText().equals("TemplateProcessing") && first.isTextual() && first.asText().equals(tokens[bos]);
    }

    /** tokenizer_config.json's chat_template (a string, or a list of named ones: "default"), else chat_template.jinja. */
    private static String chatTemplate(HfFiles files, JsonNode tc) {
        JsonNode t = tc == null ? null : tc.get("chat_template");
        if (t != null && t.isTextual()) return t.asText();
        if (t != null && t.isArray()) {
            for (JsonNode named : t) if (named.path("name").asText().equals("default")) return named.path("template").asText();
        }
        if (files.exists("chat_template.jinja")) return files.text("chat_template.jinja");
        if (files.exists("chat_template.json")) {
            JsonNode j = files.json("chat_template.json").path("chat_template");
            if (j.isTextual()) return j.asText();
        }
        return null;
    }

    private static void unsupportedUnlessNull(JsonNode node, String what) {
        if (!node.isMissingNode() && !node.isNull()) {
            throw new CheckpointFormatException("tokenizer.json: " + what + " " + node.path("type").asText() + " is not supported");
        }
    }
}
