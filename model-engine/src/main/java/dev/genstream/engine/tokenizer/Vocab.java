package dev.genstream.engine.tokenizer;

import dev.genstream.engine.gguf.GgufMetadata;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The vocabulary and its special-token settings, read from GGUF metadata the way llama.cpp's
 * {@code llama_vocab::impl::load} does: the same defaults per tokenizer model, the same attribute fix-ups for
 * control-looking tokens, the same end-of-generation set.
 */
final class Vocab {
    enum Kind { SPM, BPE, WPM }

    static final int NONE = -1;

    final Kind kind;
    final String model;
    final String pre;
    final PreTokenizers.Config preConfig; // BPE only
    final String[] tokens;
    final float[] scores;
    final int[] attrs;
    final TokenIndex index;

    int bos = NONE, eos = NONE, eot = NONE, eom = NONE, unk = NONE, sep = NONE, pad = NONE, mask = NONE;
    int fimPre = NONE, fimSuf = NONE, fimMid = NONE, fimPad = NONE, fimRep = NONE, fimSep = NONE;
    boolean addBos;
    boolean addEos;
    boolean addSpacePrefix;
    boolean lowercase = true; // BertNormalizer defaults (WPM only)
    boolean stripAccents;

    final int[] endOfGeneration;
    /** Control, user-defined and unknown tokens, longest text first: the order special-token splitting tries them. */
    final int[] specials;

    private Vocab(GgufMetadata md) {
        model = md.getString("tokenizer.ggml.model");
        pre = md.getString("tokenizer.ggml.pre", "");
        switch (model) {
            case "llama" -> {
                kind = Kind.SPM;
                bos = 1;
                eos = 2;
                unk = 0;
                addSpacePrefix = true;
                addBos = true;
                preConfig = null;
            }
            case "bert" -> {
                kind = Kind.WPM;
                bos = 101;
                unk = 100;
                sep = 102;
                pad = 0;
                mask = 103;
                addBos = true;
                preConfig = null;
            }
            case "gpt2" -> {
                kind = Kind.BPE;
                bos = 11; // llama.cpp's defaults (Falcon's ids) when the keys are absent
                eos = 11;
                preConfig = md.has(Tokenizer.PRE_REGEXES_KEY)
                        ? PreTokenizers.custom(pre, List.of(md.getStrings(Tokenizer.PRE_REGEXES_KEY)), md.getBool(Tokenizer.IGNORE_MERGES_KEY, false))
                        : PreTokenizers.config(pre);
                addBos = preConfig.addBos();
                if (preConfig.noBos()) bos = NONE;
            }
            default -> throw new IllegalArgumentException("unsupported tokenizer model '" + model
                    + "' (supported: gpt2, llama, bert)");
        }
        addSpacePrefix = md.getBool("tokenizer.ggml.add_space_prefix", addSpacePrefix);

        tokens = md.getStrings("tokenizer.ggml.tokens").clone();
        int n = tokens.length;
        for (int i = 0; i < n; i++) {
            if (tokens[i].isEmpty()) tokens[i] = "[EMPTY_" + i + "]";
        }
        scores = readScores(md, n);
        attrs = new int[n];
        if (md.has("tokenizer.ggml.token_type")) {
            int[] types = md.getInts("tokenizer.ggml.token_type");
            if (types.length < n) throw new IllegalArgumentException("fewer token types than tokens");
            for (int i = 0; i < n; i++) attrs[i] = TokenAttr.fromGgufType(types[i]);
        } else {
            Arrays.fill(attrs, TokenAttr.NORMAL);
        }
        index = new TokenIndex(tokens);

        readSpecialIds(md, n);
        addBos = md.getBool("tokenizer.ggml.add_bos_token", addBos);
        addEos = md.getBool("tokenizer.ggml.add_eos_token", addEos);
        if (addBos && bos == NONE) throw new IllegalArgumentException("tokenizer.ggml.add_bos_token is true, but no BOS token is set");
        if (addEos && eos == NONE) throw new IllegalArgumentException("tokenizer.ggml.add_eos_token is true, but no EOS token is set");
        lowercase = md.getBool("tokenizer.ggml.normalizer.lowercase", lowercase);
        stripAccents = md.getBool("tokenizer.ggml.normalizer.strip_accents", lowercase);

        detectSpecialsByText();
        endOfGeneration = collectEndOfGeneration();
        specials = collectSpecials();
        applyStripAttributes(md);
    }

    static Vocab load(GgufMetadata md) {
        return new Vocab(md);
    }

    int size() {
        return tokens.length;
    }

    boolean has(int id, int attr) {
        return id >= 0 && id < attrs.length && (attrs[id] & attr) != 0;
    }

    private static float[] readScores(GgufMetadata md, int n) {
        Object v = md.get("tokenizer.ggml.scores");
        float[] s = new float[n];
        if (v instanceof float[] f) {
            System.arraycopy(f, 0, s, 0, Math.min(n, f.length));
        } else if (v instanceof int[] a) {
            for (int i = 0; i < Math.min(n, a.length); i++) s[i] = a[i];
        }
        return s;
    }

    private void readSpecialIds(GgufMetadata md, int n) {
        bos = specialId(md, "bos_token_id", bos, n);
        eos = specialId(md, "eos_token_id", eos, n);
        eot = specialId(md, "eot_token_id", eot, n);
        eom = specialId(md, "eom_token_id", eom, n);
        unk = specialId(md, "unknown_token_id", unk, n);
        sep = specialId(md, "seperator_token_id", sep, n); // sic: llama.cpp's key
        pad = specialId(md, "padding_token_id", pad, n);
        mask = specialId(md, "mask_token_id", mask, n);
        fimPre = specialId(md, "fim_pre_token_id", fimPre, n);
        fimSuf = specialId(md, "fim_suf_token_id", fimSuf, n);
        fimMid = specialId(md, "fim_mid_token_id", fimMid, n);
        fimPad = specialId(md, "fim_pad_token_id", fimPad, n);
        fimRep = specialId(md, "fim_rep_token_id", fimRep, n);
        fimSep = specialId(md, "fim_sep_token_id", fimSep, n);
        fimPre = specialId(md, "prefix_token_id", fimPre, n);
        fimSuf = specialId(md, "suffix_token_id", fimSuf, n);
        fimMid = specialId(md, "middle_token_id", fimMid, n);
    }

    /** A default outside the vocabulary is disabled; a key outside it is ignored. */
    private static int specialId(GgufMetadata md, String key, int fallback, int n) {
        int id = fallback >= n ? NONE : fallback;
        if (md.get("tokenizer.ggml." + key) instanceof Number v) {
            long x = v.longValue();
            if (x >= 0 && x < n) id = (int) x;
        }
        return id;
    }

    private static final Set<String> EOT_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    private static final Set<String> FIM_PRE_TEXTS = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final Set<String> FIM_SUF_TEXTS = Set.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final Set<String> FIM_MID_TEXTS = Set.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final Set<String> FIM_PAD_TEXTS = Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final Set<String> FIM_REP_TEXTS = Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
            "<reponame>");
    private static final Set<String> FIM_SEP_TEXTS = Set.of("<|file_sep|>");
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
            "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
            "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");

    /** Finds EOT/EOM/FIM tokens by text when the keys don't name them, and marks them control (as llama.cpp). */
    private void detectSpecialsByText() {
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            if (eot == NONE && EOT_TEXTS.contains(t)) eot = markControl(id);
            if (eom == NONE && t.equals("<|eom_id|>")) eom = markControl(id);
            if (fimPre == NONE && FIM_PRE_TEXTS.contains(t)) fimPre = markControl(id);
            if (fimSuf == NONE && FIM_SUF_TEXTS.contains(t)) fimSuf = markControl(id);
            if (fimMid == NONE && FIM_MID_TEXTS.contains(t)) fimMid = markControl(id);
            if (fimPad == NONE && FIM_PAD_TEXTS.contains(t)) fimPad = markControl(id);
            if (fimRep == NONE && FIM_REP_TEXTS.contains(t)) fimRep = markControl(id);
            if (fimSep == NONE && FIM_SEP_TEXTS.contains(t)) fimSep = markControl(id);
        }
    }

    private int markControl(int id) {
        attrs[id] |= TokenAttr.CONTROL;
        return id;
    }

    private int[] collectEndOfGeneration() {
        Set<Integer> eog = new TreeSet<>();
        for (int id : new int[] {fimPad, fimRep, fimSep}) {
            if (id != NONE) eog.add(id);
        }
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            if (EOG_TEXTS.contains(t)) {
                eog.add(id);
                attrs[id] |= TokenAttr.CONTROL;
            }
            // gpt-oss renders these even without special rendering
            if (t.equals("<|channel|>") || t.equals("<|message|>") || t.equals("<|start|>") || t.equals("<|constrain|>")) {
                attrs[id] = TokenAttr.USER_DEFINED;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id != NONE) eog.add(id);
        }
        // o200k_harmony / solar-open: "<|end|>" ends a message, not the generation
        int end = NONE;
        boolean hasReturn = false, hasCall = false, hasFlush = false;
        for (int id : eog) {
            switch (tokens[id]) {
                case "<|return|>" -> hasReturn = true;
                case "<|call|>", "<|calls|>" -> hasCall = true;
                case "<|flush|>" -> hasFlush = true;
                case "<|end|>" -> end = id;
                default -> { }
            }
        }
        if (end != NONE && hasCall && (hasReturn || hasFlush)) {
            eog.remove(end);
            attrs[end] = TokenAttr.USER_DEFINED;
        }
        // gemma4 / paddleocr: "</s>" is not an end of generation when "<|tool_response>" exists
        int s = NONE;
        boolean hasToolResponse = false;
        for (int id : eog) {
            if (tokens[id].equals("<|tool_response>")) hasToolResponse = true;
            else if (tokens[id].equals("</s>")) s = id;
        }
        if (hasToolResponse && s != NONE) {
            eog.remove(s);
            attrs[s] = TokenAttr.NORMAL;
        }
        return eog.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] collectSpecials() {
        int mask = TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN;
        return java.util.stream.IntStream.range(0, tokens.length)
                .filter(id -> (attrs[id] & mask) != 0)
                .boxed()
                .sorted(Comparator.comparingInt((Integer id) -> -tokens[id].length()).thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** llama.cpp's per-model whitespace stripping around special tokens (keyed on model and pre-tokenizer names). */
    private void applyStripAttributes(GgufMetadata md) {
        String name = md.getString("general.name", "").toLowerCase(Locale.ROOT);
        String arch = md.getString("general.architecture", "");
        if (pre.contains("jina-v2-de") || pre.contains("jina-v2-es") || pre.contains("jina-v2-code")
                || arch.contains("nomic-bert-moe") || arch.contains("jina-bert-v3")) {
            setAttr("<mask>", TokenAttr.LSTRIP, true);
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id : specials) attrs[id] |= TokenAttr.RSTRIP;
            setAttr("</s>", TokenAttr.RSTRIP, true);
            for (String t : new String[] {"<unk>", "<s>", "<|endoftext|>"}) setAttr(t, TokenAttr.RSTRIP, false);
        } else if (name.contains("modern-bert")) {
            setAttr("[MASK]", TokenAttr.LSTRIP, true);
        }
    }

    private void setAttr(String text, int attr, boolean on) {
        int id = index.find(text);
        if (id < 0) return;
        attrs[id] = on ? attrs[id] | attr : attrs[id] & ~attr;
    }
}
