package dev.genstream.engine.tokenizer;

import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.testing.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerTest {
    private static final String IM_START = "<|im_start|>";
    private static final String IM_END = "<|im_end|>";

    private static Tokenizer kjv;

    /**
     * The demo model's vocabulary (byte-level BPE, GPT-2 regex, ids 0..2 = endoftext, im_start, im_end): from
     * ../shared, else the copy bundled in models/. Tests that need it skip only if neither is there.
     */
    private static synchronized Tokenizer kjv() {
        if (kjv == null) {
            Path model = SharedData.root()
                    .map(r -> r.resolve("models/kjv-llama-6m/kjv-llama-6m.bf16.gguf"))
                    .filter(Files::exists)
                    .or(() -> SharedData.projectRoot().map(r -> r.resolve("models/kjv-llama-6m.q8_0.gguf")).filter(Files::exists))
                    .orElse(null);
            Assumptions.assumeTrue(model != null, "neither ../shared nor the bundled models/ holds the kjv-llama-6m model");
            try (GgufFile f = GgufFile.open(model)) {
                kjv = Tokenizer.fromGguf(f.metadata());
            }
        }
        return kjv;
    }

    @Test
    void kjvVocabularyIsTheExpectedOne() {
        assertThat(kjv().vocabSize()).isEqualTo(4096);
        assertThat(kjv().token(0)).isEqualTo("<|endoftext|>");
        assertThat(kjv().token(1)).isEqualTo(IM_START);
        assertThat(kjv().token(2)).isEqualTo(IM_END);
        assertThat(kjv().model()).isEqualTo("gpt2");
        assertThat(kjv().preTokenizer()).isEqualTo("gpt-2");
        assertThat(kjv().bosId()).isZero();
        assertThat(kjv().eosId()).isZero();
        assertThat(kjv().isControl(2)).isTrue();
        assertThat(kjv().isControl(3)).isFalse();
    }

    @Test
    void parseSpecialTurnsChatMarkersIntoTheirIds() {
        int[] body = kjv().encode("user\nIn the beginning", false, false);
        int[] ids = kjv().encode(IM_START + "user\nIn the beginning" + IM_END + "\n", false, true);

        int[] expected = IntStream.concat(IntStream.concat(IntStream.of(1), Arrays.stream(body)),
                IntStream.concat(IntStream.of(2), Arrays.stream(kjv().encode("\n", false, false)))).toArray();
        assertThat(ids).containsExactly(expected);
        assertThat(kjv().decode(ids)).isEqualTo("user\nIn the beginning\n");
        assertThat(kjv().decode(ids, true)).isEqualTo(IM_START + "user\nIn the beginning" + IM_END + "\n");
    }

    @Test
    void withoutParseSpecialChatMarkersAreJustText() {
        String text = IM_START + "user\nHello" + IM_END;
        int[] ids = kjv().encode(text, false, false);

        assertThat(ids).doesNotContain(0, 1, 2).hasSizeGreaterThan(6);
        assertThat(kjv().decode(ids)).isEqualTo(text);
        // the marker text alone, with and without parsing
        assertThat(kjv().encode(IM_END, false, true)).containsExactly(2);
        assertThat(kjv().encode(IM_END, false, false)).doesNotContain(2);
    }

    @Test
    void specialTokensMatchLongestFirstAndAnywhere() {
        int[] ids = kjv().encode("a" + IM_END + IM_START + IM_END + "b<|endoftext|>", false, true);
        assertThat(ids).containsExactly(concat(kjv().encode("a", false, false), new int[] {2, 1, 2},
                kjv().encode("b", false, false), new int[] {0}));
    }

    @Test
    void userDefinedTokensAreSplitEvenWithoutParseSpecial() {
        Tokenizer t = Tokenizer.fromGguf(Synthetic.bpe(Map.of()));
        int user = t.tokenId("<|user|>");
        int control = t.tokenId(IM_END);
        assertThat(t.encode("ab<|user|>ab", false, false)).containsExactly(t.tokenId("ab"), user, t.tokenId("ab"));
        assertThat(t.encode("ab" + IM_END, false, false)).doesNotContain(control);
        assertThat(t.encode("ab" + IM_END, false, true)).containsExactly(t.tokenId("ab"), control);
        // user-defined pieces render without asking for special rendering; control ones don't
        assertThat(t.decode(new int[] {user, control})).isEqualTo("<|user|>");
    }

    @Test
    void kjvDoesNotAddBos() {
        Tokenizer kjv = kjv();
        assertThat(kjv.addsBos()).isFalse();
        assertThat(kjv.encode("In the beginning", true, false)).isEqualTo(kjv.encode("In the beginning", false, false));
    }

    @Test
    void addSpecialFollowsTheGgufFlags() {
        Tokenizer both = Tokenizer.fromGguf(Synthetic.bpe(Map.of("tokenizer.ggml.add_bos_token", true,
                "tokenizer.ggml.add_eos_token", true, "tokenizer.ggml.bos_token_id", 300L, "tokenizer.ggml.eos_token_id", 301L)));
        int ab = both.tokenId("ab");
        assertThat(both.encode("ab", true, false)).containsExactly(300, ab, 301);
        assertThat(both.encode("ab", false, false)).containsExactly(ab);
        assertThat(both.encode("", true, false)).containsExactly(300, 301);
    }

    @Test
    void llamaCppDefaultsWhenTheFlagsAreAbsent() {
        Tokenizer bpe = Tokenizer.fromGguf(Synthetic.bpe(Map.of("tokenizer.ggml.bos_token_id", 300L)));
        assertThat(bpe.addsBos()).isFalse();
        assertThat(bpe.encode("ab", true, false)).containsExactly(bpe.tokenId("ab"));

        Tokenizer llama3 = Tokenizer.fromGguf(Synthetic.bpe(Map.of("tokenizer.ggml.pre", "llama-bpe",
                "tokenizer.ggml.bos_token_id", 300L)));
        assertThat(llama3.encode("ab", true, false)).containsExactly(300, llama3.tokenId("ab"));

        Tokenizer spm = Tokenizer.fromGguf(Synthetic.spm(Map.of()));
        assertThat(spm.addsBos()).isTrue();
        assertThat(spm.encode("ab", true, false)).containsExactly(1, spm.tokenId("▁ab"));
        assertThat(spm.encode("", true, false)).containsExactly(1);
    }

    @Test
    void addBosWithoutABosTokenIsRejected() {
        // chatglm-bpe has no BOS in llama.cpp, so asking for one is a broken model
        assertThat(Tokenizer.fromGguf(Synthetic.bpe(Map.of("tokenizer.ggml.pre", "chatglm-bpe"))).bosId()).isEqualTo(-1);
        assertThatThrownBy(() -> Tokenizer.fromGguf(Synthetic.bpe(Map.of("tokenizer.ggml.pre", "chatglm-bpe",
                "tokenizer.ggml.add_bos_token", true))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BOS");
    }

    @Test
    void kjvEndsGenerationAtEndOfTextAndImEnd() {
        Tokenizer kjv = kjv();
        assertThat(kjv.endOfGenerationIds()).containsExactlyInAnyOrder(0, 2);
        assertThat(kjv.isEndOfGeneration(2)).isTrue();
        assertThat(kjv.isEndOfGeneration(1)).isFalse();
    }

    @Test
    void endOfGenerationIdsFollowLlamaCpp() {
        Tokenizer t = Tokenizer.fromGguf(Synthetic.bpe(Map.of("tokenizer.ggml.eos_token_id", 301L,
                "tokenizer.ggml.eot_token_id", 300L)));
        // eos, eot, and by text <|im_end|> and <|eot_id|> (which is user-defined here, so gets the control bit)
        assertThat(t.endOfGenerationIds()).containsExactlyInAnyOrder(300, 301, t.tokenId(IM_END), t.tokenId("<|eot_id|>"));
        assertThat(t.isControl(t.tokenId("<|eot_id|>"))).isTrue();
        assertThat(t.eotId()).isEqualTo(300);
    }

    @Test
    void kjvTokenBytesAreByteLevelDecoded() {
        Tokenizer kjv = kjv();
        assertThat(kjv.tokenBytes(2)).isEmpty();
        assertThat(kjv.tokenBytes(2, true)).isEqualTo(IM_END.getBytes(StandardCharsets.UTF_8));
        int the = kjv.tokenId("Ġthe");
        assertThat(the).isPositive();
        assertThat(new String(kjv.tokenBytes(the), StandardCharsets.UTF_8)).isEqualTo(" the");
    }

    @Test
    void tokenBytesGiveRawPieces() {
        Tokenizer spm = Tokenizer.fromGguf(Synthetic.spm(Map.of()));
        assertThat(spm.tokenBytes(spm.tokenId("<0xC3>"))).containsExactly((byte) 0xC3);
        assertThat(new String(spm.tokenBytes(spm.tokenId("▁ab")), StandardCharsets.UTF_8)).isEqualTo(" ab");
        assertThat(spm.tokenBytes(1)).isEmpty();
        assertThatThrownBy(() -> spm.tokenBytes(spm.vocabSize())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamingDecoderNeverSplitsACharacter() {
        for (String s : List.of("😀", "我想在", "😶‍🌫️ 我想 é ✅", "In the beginning 🦙 was the Word")) {
            int[] ids = kjv().encode(s, false, false);
            StreamingDecoder d = kjv().streamingDecoder();
            StringBuilder all = new StringBuilder();
            int held = 0;
            for (int id : ids) {
                String delta = d.feed(id);
                assertThat(delta).as("delta of %s", s).doesNotContain("\uFFFD");
                assertThat(wellFormed(delta)).as("no half surrogate pair in %s", delta).isTrue();
                if (delta.isEmpty()) held++;
                all.append(delta);
            }
            assertThat(d.hasPending()).isFalse();
            assertThat(all.append(d.flush())).hasToString(s);
            assertThat(held).as("%s is split across byte tokens, so some tokens must be held back", s).isPositive();
        }
    }

    @Test
    void streamingDecoderReplacesOnlyProvablyInvalidBytes() {
        Tokenizer spm = Tokenizer.fromGguf(Synthetic.spm(Map.of()));
        StreamingDecoder d = spm.streamingDecoder();
        // U+1F600 in four byte tokens
        assertThat(feed(spm, d, 0xF0)).isEmpty();
        assertThat(feed(spm, d, 0x9F)).isEmpty();
        assertThat(feed(spm, d, 0x98)).isEmpty();
        assertThat(feed(spm, d, 0x80)).isEqualTo("😀");
        // a lead byte followed by ASCII: invalid as soon as the ASCII arrives
        assertThat(feed(spm, d, 0xC3)).isEmpty();
        assertThat(d.hasPending()).isTrue();
        assertThat(feed(spm, d, 0x41)).isEqualTo("\uFFFDA");
        // a stray continuation byte is invalid at once
        assertThat(feed(spm, d, 0x80)).isEqualTo("\uFFFD");
        // an incomplete sequence at the end becomes one replacement
        assertThat(feed(spm, d, 0xE6)).isEmpty();
        assertThat(feed(spm, d, 0x88)).isEmpty();
        assertThat(d.flush()).isEqualTo("\uFFFD");
        assertThat(d.flush()).isEmpty();
        // E0 80 is never the start of a character (overlong)
        assertThat(feed(spm, d, 0xE0)).isEmpty();
        assertThat(feed(spm, d, 0x80)).isEqualTo("\uFFFD\uFFFD");
    }

    @Test
    void decodeIsTheConcatenationOfStreamedDeltas() {
        assertDecodeMatchesStreaming(Tokenizer.fromGguf(Synthetic.spm(Map.of())));
        assertDecodeMatchesStreaming(Tokenizer.fromGguf(Synthetic.bpe(Map.of())));
        assertDecodeMatchesStreaming(kjv());
    }

    private static void assertDecodeMatchesStreaming(Tokenizer t) {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int[] ids = random.ints(random.nextInt(12), 0, t.vocabSize()).toArray();
            for (boolean render : new boolean[] {false, true}) {
                StreamingDecoder d = t.streamingDecoder(render, true);
                StringBuilder sb = new StringBuilder();
                for (int id : ids) sb.append(d.feed(id));
                sb.append(d.flush());
                assertThat(t.decode(ids, render)).as("ids %s", Arrays.toString(ids)).isEqualTo(sb.toString());
            }
        }
    }

    @Test
    void sentencePiecePrefixSpaceIsDroppedAtTheStartOfTextOnly() {
        Tokenizer spm = Tokenizer.fromGguf(Synthetic.spm(Map.of()));
        int[] withBos = spm.encode("ab a", true, false);
        assertThat(withBos).containsExactly(1, spm.tokenId("▁ab"), spm.tokenId("▁a"));
        assertThat(spm.decode(withBos)).isEqualTo("ab a");
        assertThat(spm.decode(spm.encode("ab a", false, false))).isEqualTo("ab a");
        assertThat(spm.decode(withBos, true)).isEqualTo("<s> ab a");

        StreamingDecoder continuation = spm.streamingDecoder(false, false);
        assertThat(continuation.feed(spm.tokenId("▁ab"))).isEqualTo(" ab");

        Tokenizer noPrefix = Tokenizer.fromGguf(Synthetic.spm(Map.of("tokenizer.ggml.add_space_prefix", false)));
        assertThat(noPrefix.encode("ab", false, false)).containsExactly(noPrefix.tokenId("ab"));
        assertThat(noPrefix.decode(new int[] {noPrefix.tokenId("▁ab")})).isEqualTo(" ab");
    }

    @Test
    void sentencePieceFallsBackToByteTokens() {
        Tokenizer spm = Tokenizer.fromGguf(Synthetic.spm(Map.of()));
        int[] ids = spm.encode("aé", false, false);
        assertThat(ids).containsExactly(spm.tokenId("▁a"), spm.tokenId("<0xC3>"), spm.tokenId("<0xA9>"));
        assertThat(spm.decode(ids)).isEqualTo("aé");
    }

    @Test
    void longInputsTokenizeQuickly() {
        String verse = "In the beginning God created the heaven and the earth. And the earth was without form, and void;"
                + " and darkness was upon the face of the deep. 🕊️ 光\n\n  ";
        List<String> inputs = List.of(verse.repeat(100_000 / verse.length() + 1), " ".repeat(100_000),
                "a".repeat(100_000), "1".repeat(100_000), "\n".repeat(50_000), (IM_START + "x").repeat(10_000));
        kjv().encode(inputs.getFirst(), false, true); // warm-up
        long start = System.nanoTime();
        for (String s : inputs) {
            int[] ids = kjv().encode(s, false, true);
            assertThat(kjv().decode(ids, true)).isEqualTo(s);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("~600 KB of text, ms").isLessThan(5_000);
    }

    @Test
    void regexCategoriesAreRewrittenLikeLlamaCpp() {
        assertThat(PreTokenizer.RegexStage.collapse("\\p{N}+")).isEqualTo("[\u00D10-9]+");
        assertThat(PreTokenizer.RegexStage.collapse("[^\\s\\p{L}\\p{N}]+")).isEqualTo("[^\\s\u00D2A-Za-z\u00D10-9]+");
        assertThat(PreTokenizer.RegexStage.collapse("\\s+$")).isEqualTo("\\s+\\z");
        assertThat(Unicode.collapsed('~')).isEqualTo('~');
        assertThat(Unicode.collapsed(0x3000)).isEqualTo('\u000B');
        assertThat(Unicode.collapsed('我')).isEqualTo('\u00D2');
        assertThat(Unicode.isWhitespace(0x1C)).isFalse();
        assertThat(Unicode.isWhitespace(0xA0)).isTrue();
    }

    private static String feed(Tokenizer t, StreamingDecoder d, int b) {
        return d.feed(t.tokenId(String.format("<0x%02X>", b)));
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(++i))) return false;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /** Small hand-made vocabularies, so the behaviour they pin down doesn't depend on reference data. */
    static final class Synthetic {
        /** Byte-level BPE: the 256 byte chars (id = byte), merges to "ab" and "Ġa", then a few specials. */
        static GgufMetadata bpe(Map<String, Object> overrides) {
            List<String> tokens = new ArrayList<>();
            for (int b = 0; b < 256; b++) tokens.add(String.valueOf(ByteLevel.encode(b)));
            List<Integer> types = new ArrayList<>(java.util.Collections.nCopies(256, 1));
            for (String t : List.of("ab", "Ġa")) {
                tokens.add(t);
                types.add(1);
            }
            Object[][] specials = {{IM_END, 3}, {"<|user|>", 4}, {"<|eot_id|>", 4}};
            for (Object[] s : specials) {
                tokens.add((String) s[0]);
                types.add((Integer) s[1]);
            }
            while (tokens.size() < 302) { // room for bos/eos ids 300, 301
                tokens.add("<ctl" + tokens.size() + ">");
                types.add(3);
            }
            Map<String, Object> md = new HashMap<>();
            md.put("tokenizer.ggml.model", "gpt2");
            md.put("tokenizer.ggml.pre", "gpt-2");
            md.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
            md.put("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray());
            md.put("tokenizer.ggml.merges", new String[] {"a b", "Ġ a"});
            md.putAll(overrides);
            return GgufMetadata.of(md);
        }

        /** SentencePiece: unk, s, /s, 256 byte tokens, then ▁ a b ▁a ab ▁ab with scores. */
        static GgufMetadata spm(Map<String, Object> overrides) {
            List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
            List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
            List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
            for (int b = 0; b < 256; b++) {
                tokens.add(String.format("<0x%02X>", b));
                types.add(6);
                scores.add(0f);
            }
            Object[][] pieces = {{"▁", -1f}, {"a", -2f}, {"b", -2f}, {"▁a", -0.5f}, {"ab", -1f}, {"▁ab", -0.1f}};
            for (Object[] p : pieces) {
                tokens.add((String) p[0]);
                types.add(1);
                scores.add((Float) p[1]);
            }
            float[] s = new float[scores.size()];
            for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
            Map<String, Object> md = new HashMap<>();
            md.put("tokenizer.ggml.model", "llama");
            md.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
            md.put("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray());
            md.put("tokenizer.ggml.scores", s);
            md.putAll(overrides);
            return GgufMetadata.of(md);
        }
    }
}
