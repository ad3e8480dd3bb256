package dev.genstream.engine.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.testing.Reference;
import dev.genstream.engine.testing.SharedData;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tokenizer.json + tokenizer_config.json: each shared HF dir's tokenizer against its reference prompt_ids (HF's own
 * tokenizer), against the GGUF llama.cpp converted from it, and the pre-tokenizer translation (ByteLevel, Split,
 * Digits, Sequence) against llama.cpp's vectors through tokenizer.json files written from their vocabularies.
 */
class HfTokenizerTest {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Tokenizer hfTokenizer(Path dir) {
        try (HfCheckpoint c = HfCheckpoint.open(dir)) {
            return Tokenizer.fromGguf(c.metadata());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kjv-llama-6m", "rand-llama3", "rand-qwen2", "rand-qwen3", "rand-gpt2"})
    void referencePromptsTokenizeAsHuggingFaceDid(String model) {
        Tokenizer t = hfTokenizer(SharedData.require("models/" + model + "/hf"));
        List<Reference.Case> cases = Reference.cases(SharedData.require("models/" + model));
        for (Reference.Case c : cases) {
            assertThat(t.encode(c.prompt(), true, false)).as("%s: ids of \"%s\"", model, c.prompt()).containsExactly(c.promptIds());
            assertThat(t.decode(c.allIds())).as("%s: text of case %d", model, c.index()).isEqualTo(c.prompt() + c.greedyText());
        }
        assertThat(cases).isNotEmpty();
        assertThat(t.eosId()).isEqualTo(t.tokenId("<|endoftext|>")).isEqualTo(0);
        assertThat(t.addsBos()).isFalse();
        assertThat(t.endOfGenerationIds()).containsExactly(0, 2); // <|endoftext|>, and <|im_end|> by its text
        assertThat(t.isControl(1)).isTrue();
        assertThat(t.encode("<|im_start|>user", false, true)).startsWith(1);
    }

    @Test
    void theLongTextTokenizesAsHuggingFaceDid() throws IOException {
        Tokenizer t = hfTokenizer(SharedData.require("models/rand-qwen3/hf"));
        String text = Files.readString(SharedData.require("models/rand-qwen3/long.txt"));
        int[] expected = Arrays.stream(Files.readString(SharedData.require("models/rand-qwen3/long.ids.txt")).trim().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
        assertThat(expected).hasSize(345);
        assertThat(t.encode(text, true, false)).containsExactly(expected);
    }

    /** The HF dir and the GGUF llama.cpp made from it: same vocabulary, specials, template and ids on every vector input. */
    @Test
    void agreesWithTheConvertedGguf() throws IOException {
        Tokenizer hf = hfTokenizer(SharedData.require("models/kjv-llama-6m/hf"));
        Tokenizer gguf;
        String ggufTemplate;
        try (GgufFile f = GgufFile.open(SharedData.require("models/kjv-llama-6m/kjv-llama-6m.bf16.gguf"))) {
            gguf = Tokenizer.fromGguf(f.metadata());
            ggufTemplate = f.metadata().getString("tokenizer.chat_template");
        }
        assertThat(hf.vocabSize()).isEqualTo(gguf.vocabSize());
        for (int id = 0; id < hf.vocabSize(); id++) {
            assertThat(hf.token(id)).isEqualTo(gguf.token(id));
            assertThat(hf.isControl(id)).as("control %d", id).isEqualTo(gguf.isControl(id));
        }
        assertThat(hf.endOfGenerationIds()).isEqualTo(gguf.endOfGenerationIds());
        assertThat(List.of(hf.bosId(), hf.eosId(), hf.addsBos())).isEqualTo(List.of(gguf.bosId(), gguf.eosId(), gguf.addsBos()));
        try (HfCheckpoint c = HfCheckpoint.open(SharedData.require("models/kjv-llama-6m/hf"))) {
            assertThat(c.metadata().getString("tokenizer.chat_template")).isEqualTo(ggufTemplate).contains("<|im_start|>");
        }
        List<String> texts = new ArrayList<>(inputs(SharedData.require("tokenizer-vectors/ggml-vocab-gpt-2.gguf.inp")));
        texts.add(Files.readString(SharedData.require("models/kjv-llama-6m/perplexity.txt")));
        for (String s : texts) {
            assertThat(hf.encode(s, false, false)).as("ids of %s", s).containsExactly(gguf.encode(s, false, false));
            assertThat(hf.encode(s, false, true)).as("ids of %s, specials parsed", s).containsExactly(gguf.encode(s, false, true));
        }
    }

    /** Each vocabulary with vectors, as a tokenizer.json with the pre-tokenizer its HF tokenizer.json has. */
    static Stream<Arguments> vocabularies() {
        String byteLevel = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true}";
        String starcoder = "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Digits\",\"individual_digits\":true}," + byteLevel + "]}";
        String deepseekCoder = "{\"type\":\"Sequence\",\"pretokenizers\":["
                + split("[\\r\\n]") + "," + split("\\s?\\p{L}+") + "," + split("\\s?\\p{P}+") + ","
                + split("[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+") + ",{\"type\":\"Digits\",\"individual_digits\":true},"
                + "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}]}";
        return Stream.of(
                Arguments.of("gpt-2", byteLevel),
                Arguments.of("mpt", byteLevel),
                Arguments.of("starcoder", starcoder),
                Arguments.of("refact", starcoder),
                Arguments.of("deepseek-coder", deepseekCoder));
    }

    private static String split(String regex) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "Split");
        n.putObject("pattern").put("Regex", regex);
        n.put("behavior", "Isolated");
        n.put("invert", false);
        return n.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vocabularies")
    void preTokenizersReproduceLlamaCppVectors(String vocab, String preTokenizer, @TempDir Path dir) throws IOException {
        Path gguf = SharedData.require("tokenizer-vectors/ggml-vocab-" + vocab + ".gguf");
        GgufMetadata source;
        try (GgufFile f = GgufFile.open(gguf)) {
            source = f.metadata();
        }
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(source, preTokenizer));
        Map<String, Object> md = new LinkedHashMap<>();
        HfTokenizer.addMetadata(new HfFiles(dir), JSON.createObjectNode(), 0, md);
        Tokenizer t = Tokenizer.fromGguf(GgufMetadata.of(md));
        List<String> in = inputs(Path.of(gguf + ".inp"));
        List<String> out = Files.readAllLines(Path.of(gguf + ".out"));
        assertThat(in).hasSameSizeAs(out).isNotEmpty();
        for (int i = 0; i < in.size(); i++) {
            int[] expected = out.get(i).isBlank() ? new int[0] : Arrays.stream(out.get(i).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
            assertThat(t.encode(in.get(i), false, false)).as("%s #%d: %s", vocab, i, in.get(i)).containsExactly(expected);
        }
    }

    /** A tokenizer.json as HF writes one: normal tokens in model.vocab, control and user-defined ones as added tokens. */
    private static String tokenizerJson(GgufMetadata md, String preTokenizer) throws IOException {
        String[] tokens = md.getStrings("tokenizer.ggml.tokens");
        int[] types = md.getInts("tokenizer.ggml.token_type");
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        root.putNull("normalizer");
        root.set("pre_tokenizer", JSON.readTree(preTokenizer));
        root.putObject("decoder").put("type", "ByteLevel");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.length; id++) {
            if (types[id] == 3 || types[id] == 4) {
                added.addObject().put("id", id).put("content", tokens[id]).put("special", types[id] == 3);
            } else {
                vocab.put(tokens[id], id);
            }
        }
        ArrayNode merges = model.putArray("merges");
        for (String m : md.getStrings("tokenizer.ggml.merges")) {
            int space = m.indexOf(' ', 1);
            merges.addArray().add(m.substring(0, space)).add(m.substring(space + 1));
        }
        return root.toString();
    }

    @Test
    void unsupportedTokenizersFailByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"type\":\"Unigram\"}}");
        assertThatThrownBy(() -> HfTokenizer.addMetadata(new HfFiles(dir), JSON.createObjectNode(), 0, new LinkedHashMap<>()))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("Unigram");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]},"
                + "\"normalizer\":{\"type\":\"NFKC\"}}");
        assertThatThrownBy(() -> HfTokenizer.addMetadata(new HfFiles(dir), JSON.createObjectNode(), 0, new LinkedHashMap<>()))
                .hasMessageContaining("normalizer NFKC is not supported");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]},"
                + "\"pre_tokenizer\":{\"type\":\"Metaspace\"}}");
        assertThatThrownBy(() -> HfTokenizer.addMetadata(new HfFiles(dir), JSON.createObjectNode(), 0, new LinkedHashMap<>()))
                .hasMessageContaining("pre-tokenizer Metaspace");
    }

    static List<String> inputs(Path inp) throws IOException {
        String raw = Files.readString(inp);
        List<String> out = new ArrayList<>();
        for (int pos = 0; pos < raw.length(); ) {
            int next = raw.indexOf(SEPARATOR, pos);
            out.add(raw.substring(pos, next < 0 ? raw.length() : next));
            if (next < 0) break;
            pos = next + SEPARATOR.length();
        }
        return out;
    }
}
