package dev.genstream.engine.synth;

import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.GgufWriter;
import java.util.Arrays;

/**
 * A byte-level BPE vocabulary borrowed from an existing GGUF (tokens, merges, special ids) and padded to a model's
 * vocabulary size with {@code <|filler_N|>} control tokens, which the merges never produce.
 */
final class Vocabulary {
    static final int CONTROL = 3;

    private Vocabulary() {}

    static void put(GgufWriter w, GgufMetadata source, int vocabSize) {
        String model = source.getString("tokenizer.ggml.model");
        if (!model.equals("gpt2")) throw new IllegalArgumentException("the vocabulary source must be byte-level BPE (gpt2), not " + model);
        String[] tokens = source.getStrings("tokenizer.ggml.tokens");
        if (tokens.length > vocabSize) {
            throw new IllegalArgumentException("the vocabulary source has " + tokens.length + " tokens, more than the model's " + vocabSize);
        }
        int[] types = source.has("tokenizer.ggml.token_type") ? source.getInts("tokenizer.ggml.token_type") : new int[tokens.length];
        String[] padded = Arrays.copyOf(tokens, vocabSize);
        int[] paddedTypes = Arrays.copyOf(types, vocabSize);
        for (int i = 0; i < tokens.length; i++) if (paddedTypes[i] == 0) paddedTypes[i] = 1; // 0 is "undefined": normal
        for (int i = tokens.length; i < vocabSize; i++) {
            padded[i] = "<|filler_" + (i - tokens.length) + "|>";
            paddedTypes[i] = CONTROL;
        }
        w.put("tokenizer.ggml.model", "gpt2");
        w.put("tokenizer.ggml.pre", source.getString("tokenizer.ggml.pre", "gpt-2"));
        w.put("tokenizer.ggml.tokens", padded);
        w.put("tokenizer.ggml.token_type", paddedTypes);
        w.put("tokenizer.ggml.merges", source.getStrings("tokenizer.ggml.merges"));
        for (String id : new String[] {"bos", "eos", "unknown", "padding"}) {
            String key = "tokenizer.ggml." + id + "_token_id";
            if (source.has(key)) w.put(key, new GgufWriter.U32(source.getInt(key)));
        }
        for (String flag : new String[] {"add_bos_token", "add_eos_token"}) {
            String key = "tokenizer.ggml." + flag;
            if (source.has(key)) w.put(key, source.getBool(key, false));
        }
        if (source.has("tokenizer.chat_template")) w.put("tokenizer.chat_template", source.getString("tokenizer.chat_template"));
    }
}
