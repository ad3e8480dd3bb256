package dev.genstream.engine.tokenizer;

import java.util.List;

/**
 * {@code tokenizer.ggml.pre} names and the regex lists llama.cpp runs for them (strings as llama.cpp holds them, so
 * the GPT-2 and Llama-3 ones are recognised and run by the hand-written scanners).
 */
final class PreTokenizers {
    /** What a pre-tokenizer name implies besides its regexes. */
    record Config(String name, List<String> regexes, boolean ignoreMerges, boolean addBos, boolean noBos) {
        PreTokenizer build() {
            return PreTokenizer.of(regexes);
        }
    }

    private static final String GPT2 = PreTokenizer.GPT2;
    private static final String LLAMA3 = PreTokenizer.LLAMA3;
    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String QWEN2 = CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN35 = CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String CJK = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";
    /** Cased letters (Unicode LC), written as escapes: several of them are NFC singletons that editors rewrite. */
    private static final String DEEPSEEK_LETTERS = "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA"
            + "\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A"
            + "\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5"
            + "\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D"
            + "\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE"
            + "\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107"
            + "\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F"
            + "\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D"
            + "\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17"
            + "\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB"
            + "\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+";
    private static final String PORO = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";
    private static final String UPPER_LOWER = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+";
    private static final String LOWER_UPPER = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*";

    private static final List<String> DEFAULT = List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
    private static final List<String> DEEPSEEK_LLM = List.of("[\r\n]", DEEPSEEK_LETTERS,
            "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", "\\s+$", CJK, "\\p{N}+");
    private static final List<String> DEEPSEEK_CODER = List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}");
    private static final List<String> DEEPSEEK3 = List.of("\\p{N}{1,3}", "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                    + "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+");
    private static final List<String> FALCON = List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]");
    private static final List<String> STARCODER = List.of("\\p{N}", GPT2);
    private static final List<String> TEKKEN = List.of(UPPER_LOWER + "|" + LOWER_UPPER
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
    private static final List<String> GPT4O = List.of(UPPER_LOWER + CONTRACTIONS + "?|" + LOWER_UPPER + CONTRACTIONS
            + "?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
    private static final List<String> CHAMELEON = List.of("<sentinel:[0-9]+>", "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
            "([\\t\\n]|    |  )", "\\p{N}", "[\\p{P}!-/:-@\\[-`{-~]", GPT2);
    private static final List<String> SEED_CODER = List.of(CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}"
            + "| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
    private static final List<String> BAILINGMOE = List.of("'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+");
    private static final List<String> UFAKZEKA = List.of("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private PreTokenizers() {}

    /**
     * The configuration llama.cpp uses for {@code pre}. A missing name or "default" gets llama.cpp's default list;
     * a name llama.cpp would reject falls back to the GPT-2 regex instead of failing.
     */
    static Config config(String pre) {
        return switch (pre) {
            case "", "default" -> of(pre, DEFAULT);
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano" ->
                    new Config(pre, List.of(LLAMA3), true, true, false);
            case "dbrx", "smaug-bpe" -> of(pre, List.of(LLAMA3));
            case "glm4", "chatglm-bpe" -> new Config(pre, List.of(LLAMA3), false, false, true);
            case "deepseek-llm" -> of(pre, DEEPSEEK_LLM);
            case "deepseek-coder" -> of(pre, DEEPSEEK_CODER);
            case "deepseek-v3", "hunyuan-dense", "hy_v4", "joyai-llm" -> of(pre, DEEPSEEK3);
            case "falcon" -> of(pre, FALCON);
            case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2" ->
                    of(pre, STARCODER);
            case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "stablelm2", "hunyuan", "solar-open", "megrez", "grok-2" ->
                    of(pre, List.of(QWEN2));
            case "qwen35" -> of(pre, List.of(QWEN35));
            case "poro-chat", "bloom", "gpt3-finnish" -> of(pre, List.of(PORO));
            case "viking" -> of(pre, List.of(PORO, "\\p{N}"));
            case "tekken" -> new Config(pre, TEKKEN, true, true, false);
            case "chameleon" -> new Config(pre, CHAMELEON, false, true, false);
            case "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2" -> of(pre, GPT4O);
            case "seed-coder" -> of(pre, SEED_CODER);
            case "bailingmoe", "bailingmoe2", "llada-moe" -> of(pre, BAILINGMOE);
            case "ufakzeka" -> of(pre, UFAKZEKA);
            default -> of(pre, List.of(GPT2)); // gpt-2, mpt, olmo, jais, roberta-bpe, ... and unknown names
        };
    }

    /** A regex list given as such (from a tokenizer.json), run as llama.cpp runs its own lists. */
    static Config custom(String name, List<String> regexes, boolean ignoreMerges) {
        return new Config(name, List.copyOf(regexes), ignoreMerges, false, false);
    }

    private static Config of(String name, List<String> regexes) {
        return new Config(name, regexes, false, false, false);
    }
}
