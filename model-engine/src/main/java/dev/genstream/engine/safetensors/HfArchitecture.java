package dev.genstream.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HF model family as the GGUF architecture llama.cpp converts it to: its config.json keys under that
 * architecture's GGUF keys, and its tensor names under GGUF names.
 */
enum HfArchitecture {
    LLAMA("llama"), QWEN2("qwen2"), QWEN3("qwen3"), GPT2("gpt2");

    final String gguf;

    HfArchitecture(String gguf) {
        this.gguf = gguf;
    }

    static HfArchitecture of(JsonNode config) {
        String type = config.path("model_type").asText("");
        return switch (type) {
            case "llama", "mistral" -> LLAMA;
            case "qwen2" -> QWEN2;
            case "qwen3" -> QWEN3;
            case "gpt2" -> GPT2;
            default -> throw new CheckpointFormatException("config.json: model_type '" + type
                    + "' is not supported (supported: llama, mistral, qwen2, qwen3, gpt2)");
        };
    }

    /** Whether the model has an output matrix of its own, rather than the token embedding. */
    boolean untied(JsonNode config) {
        return !config.path("tie_word_embeddings").asBoolean(this == GPT2);
    }

    /** The GGUF hyperparameter keys, as convert_hf_to_gguf writes them. */
    void hyperparameters(JsonNode c, Map<String, Object> md) {
        String p = gguf + ".";
        if (this == GPT2) {
            int dim = required(c, "n_embd");
            md.put(p + "embedding_length", (long) dim);
            md.put(p + "block_count", (long) required(c, "n_layer"));
            md.put(p + "attention.head_count", (long) required(c, "n_head"));
            md.put(p + "feed_forward_length", (long) (c.path("n_inner").isInt() ? c.get("n_inner").asInt() : 4 * dim));
            md.put(p + "context_length", (long) (c.has("n_positions") ? required(c, "n_positions") : required(c, "n_ctx")));
            md.put(p + "attention.layer_norm_epsilon", (float) c.path("layer_norm_epsilon").asDouble(1e-5));
            String act = c.path("activation_function").asText("gelu_new");
            if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh") && !act.equals("gelu_fast")) {
                throw new CheckpointFormatException("config.json: activation_function " + act + " is not supported (supported: gelu_new)");
            }
            if (c.path("scale_attn_by_inverse_layer_idx").asBoolean(false)) {
                throw new CheckpointFormatException("config.json: scale_attn_by_inverse_layer_idx is not supported");
            }
        } else {
            int dim = required(c, "hidden_size");
            int heads = required(c, "num_attention_heads");
            int headDim = c.path("head_dim").isInt() ? c.get("head_dim").asInt() : dim / heads;
            md.put(p + "embedding_length", (long) dim);
            md.put(p + "block_count", (long) required(c, "num_hidden_layers"));
            md.put(p + "attention.head_count", (long) heads);
            md.put(p + "attention.head_count_kv", (long) (c.path("num_key_value_heads").isInt() ? c.get("num_key_value_heads").asInt() : heads));
            md.put(p + "attention.key_length", (long) headDim);
            md.put(p + "attention.value_length", (long) headDim);
            md.put(p + "feed_forward_length", (long) required(c, "intermediate_size"));
            md.put(p + "context_length", (long) required(c, "max_position_embeddings"));
            md.put(p + "attention.layer_norm_rms_epsilon", (float) c.path("rms_norm_eps").asDouble(1e-6));
            md.put(p + "rope.freq_base", (float) Rotary.theta(c));
            md.put(p + "rope.dimension_count", (long) Math.round(headDim * c.path("partial_rotary_factor").asDouble(1.0)));
            String act = c.path("hidden_act").asText("silu");
            if (!act.equals("silu")) throw new CheckpointFormatException("config.json: hidden_act " + act + " is not supported (supported: silu)");
        }
        md.put(p + "vocab_size", (long) required(c, "vocab_size"));
    }

    private static int required(JsonNode c, String key) {
        JsonNode v = c.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) throw new CheckpointFormatException("config.json: missing or bad " + key);
        return v.asInt();
    }

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Pattern GPT2_LAYER = Pattern.compile("(?:transformer\\.)?h\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Map<String, String> LAYER_NAMES = Map.ofEntries(
            Map.entry("input_layernorm", "attn_norm"),
            Map.entry("self_attn.q_proj", "attn_q"),
            Map.entry("self_attn.k_proj", "attn_k"),
            Map.entry("self_attn.v_proj", "attn_v"),
            Map.entry("self_attn.o_proj", "attn_output"),
            Map.entry("self_attn.q_norm", "attn_q_norm"),
            Map.entry("self_attn.k_norm", "attn_k_norm"),
            Map.entry("post_attention_layernorm", "ffn_norm"),
            Map.entry("mlp.gate_proj", "ffn_gate"),
            Map.entry("mlp.up_proj", "ffn_up"),
            Map.entry("mlp.down_proj", "ffn_down"));
    private static final Map<String, String> GPT2_LAYER_NAMES = Map.of(
            "ln_1", "attn_norm",
            "attn.c_attn", "attn_qkv",
            "attn.c_proj", "attn_output",
            "ln_2", "ffn_norm",
            "mlp.c_fc", "ffn_up",
            "mlp.c_proj", "ffn_down");
    private static final Map<String, String> GLOBAL_NAMES = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.norm.weight", "output_norm.weight",
            "lm_head.weight", "output.weight");
    private static final Map<String, String> GPT2_GLOBAL_NAMES = Map.of(
            "wte.weight", "token_embd.weight",
            "wpe.weight", "position_embd.weight",
            "ln_f.weight", "output_norm.weight",
            "ln_f.bias", "output_norm.bias",
            "lm_head.weight", "output.weight");

    /** The GGUF name of an HF tensor; null for buffers the engine recomputes (rotary inverse frequencies, causal masks). */
    String ggufName(String hf) {
        if (hf.endsWith("rotary_emb.inv_freq") || (this == GPT2 && hf.matches("(?:transformer\\.)?h\\.\\d+\\.attn\\.(?:masked_)?bias"))) {
            return null;
        }
        Matcher m = (this == GPT2 ? GPT2_LAYER : LAYER).matcher(hf);
        String global = this == GPT2 ? GPT2_GLOBAL_NAMES.get(hf.replaceFirst("^transformer\\.", "")) : GLOBAL_NAMES.get(hf);
        if (global != null) return global;
        String module = m.matches() ? (this == GPT2 ? GPT2_LAYER_NAMES : LAYER_NAMES).get(m.group(2)) : null;
        if (module == null) {
            throw new CheckpointFormatException("tensor " + hf + " is not part of a " + gguf + " model as the engine knows it");
        }
        return "blk." + m.group(1) + "." + module + "." + m.group(3);
    }

    /** GPT-2's Conv1D layers store their matrices [in, out], the transpose of every other linear layer. */
    boolean transposed(String hf) {
        return this == GPT2 && hf.endsWith(".weight") && hf.matches("(?:transformer\\.)?h\\.\\d+\\.(?:attn|mlp)\\..*");
    }
}
