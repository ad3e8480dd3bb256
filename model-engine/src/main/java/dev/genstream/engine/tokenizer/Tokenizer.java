package dev.genstream.engine.tokenizer;

import dev.genstream.engine.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A GGUF model's tokenizer, behaving like llama.cpp's {@code llama_vocab}: byte-level BPE
 * ({@code tokenizer.ggml.model=gpt2}), SentencePiece BPE ({@code llama}) and WordPiece ({@code bert}).
 *
 * <p>Decoding is the concatenation of the token pieces (no clean-up of spaces before punctuation, unlike llama.cpp's
 * {@code clean_spaces}), so byte-level BPE round-trips exactly. For SentencePiece vocabularies that add a prefix
 * space, the single leading space of the first non-empty piece is dropped, so {@code decode(encode(s))} gives
 * {@code s} back with or without BOS; {@link #streamingDecoder(boolean, boolean)} can keep it for continuations.
 * {@code decode(ids)} always equals the concatenated output of a fresh {@link #streamingDecoder()} fed the same ids.
 *
 * <p>Instances are immutable and thread-safe.
 */
public abstract sealed class Tokenizer permits BpeTokenizer, SpmTokenizer, WpmTokenizer {
    private static final byte[] EMPTY = new byte[0];
    /**
     * Metadata keys beside llama.cpp's, for a tokenizer.json: its pre-tokenizer is a list of regexes rather than a
     * name llama.cpp knows ({@code tokenizer.ggml.pre} then only names it), and it may look whole words up first.
     */
    public static final String PRE_REGEXES_KEY = "genstream.tokenizer.pre_regexes";
    public static final String IGNORE_MERGES_KEY = "genstream.tokenizer.ignore_merges";

    final Vocab vocab;
    private final SpecialTokenSplitter splitter;
    private final byte[][] pieces;
    private final Set<Integer> endOfGeneration;

    Tokenizer(Vocab vocab) {
        this.vocab = vocab;
        this.splitter = new SpecialTokenSplitter(vocab);
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) pieces[id] = piece(id, false);
        Set<Integer> eog = new LinkedHashSet<>();
        for (int id : vocab.endOfGeneration) eog.add(id);
        this.endOfGeneration = Collections.unmodifiableSet(eog);
    }

    /** The tokenizer described by a model's {@code tokenizer.ggml.*} metadata. */
    public static Tokenizer fromGguf(GgufMetadata md) {
        Vocab vocab = Vocab.load(md);
        return switch (vocab.kind) {
            case BPE -> new BpeTokenizer(vocab, md);
            case SPM -> new SpmTokenizer(vocab);
            case WPM -> new WpmTokenizer(vocab);
        };
    }

    /**
     * Token ids of {@code text}.
     *
     * @param addSpecial   add BOS/EOS as the model asks ({@code tokenizer.ggml.add_bos_token}/{@code add_eos_token},
     *                     or llama.cpp's defaults: SentencePiece and WordPiece add BOS, most BPE models don't)
     * @param parseSpecial turn control-token texts such as {@code <|im_end|>} into their ids; user-defined tokens
     *                     are always recognised, as in llama.cpp
     */
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        encode(text, splitter.split(text, parseSpecial), addSpecial, out);
        return out.toArray();
    }

    /**
     * Token ids of {@code text} with special tokens parsed everywhere except where {@code userContent} marks a
     * character: a control-token text that touches user content stays plain text, so a prompt's user spans can
     * never produce control ids. User-defined tokens are recognised everywhere, as in {@link #encode(String,
     * boolean, boolean)}.
     */
    public final int[] encode(String text, java.util.BitSet userContent, boolean addSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        encode(text, splitter.split(text, true, userContent), addSpecial, out);
        return out.toArray();
    }

    /** {@code encode(text, true, false)}. */
    public final int[] encode(String text) {
        return encode(text, true, false);
    }

    abstract void encode(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial, IntList out);

    /** Text of {@code ids}; control tokens (BOS, EOS, ...) render as nothing. */
    public final String decode(int[] ids) {
        return decode(ids, false);
    }

    /** Text of {@code ids}, with control tokens written out when {@code renderSpecial}. */
    public final String decode(int[] ids, boolean renderSpecial) {
        StreamingDecoder d = streamingDecoder(renderSpecial, true);
        StringBuilder sb = new StringBuilder(ids.length * 4);
        for (int id : ids) sb.append(d.feed(id));
        return sb.append(d.flush()).toString();
    }

    /** A decoder for text that starts with the first id fed (as {@link #decode(int[])} does). */
    public final StreamingDecoder streamingDecoder() {
        return streamingDecoder(false, true);
    }

    /**
     * @param startOfText whether the ids fed begin the text; if so, a SentencePiece prefix space on the first piece is
     *                    dropped. Use false for ids that continue a prompt.
     */
    public final StreamingDecoder streamingDecoder(boolean renderSpecial, boolean startOfText) {
        boolean strip = startOfText && vocab.kind == Vocab.Kind.SPM && vocab.addSpacePrefix;
        return new StreamingDecoder(this, renderSpecial, strip);
    }

    /** The UTF-8 bytes of a token's piece; control and unknown tokens give no bytes. */
    public final byte[] tokenBytes(int id) {
        return tokenBytes(id, false);
    }

    public final byte[] tokenBytes(int id, boolean renderSpecial) {
        return pieceView(id, renderSpecial).clone();
    }

    /** The piece without copying; callers must not modify it. */
    final byte[] pieceView(int id, boolean renderSpecial) {
        checkId(id);
        return renderSpecial && vocab.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN) ? piece(id, true) : pieces[id];
    }

    /** llama.cpp's token_to_piece. */
    private byte[] piece(int id, boolean renderSpecial) {
        int attr = vocab.attrs[id];
        String text = vocab.tokens[id];
        if ((attr & (TokenAttr.CONTROL | TokenAttr.UNKNOWN)) != 0) {
            return renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : EMPTY;
        }
        if ((attr & TokenAttr.USER_DEFINED) != 0) return text.getBytes(StandardCharsets.UTF_8);
        if ((attr & TokenAttr.NORMAL) != 0) return normalPiece(text);
        if ((attr & TokenAttr.BYTE) != 0 && text.length() >= 5) {
            try {
                return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                return EMPTY;
            }
        }
        return EMPTY;
    }

    /** The bytes of a normal token's text. Called from this constructor: must not use subclass fields. */
    abstract byte[] normalPiece(String text);

    public final int vocabSize() {
        return vocab.size();
    }

    /** The token's text as stored in the vocabulary (byte-level BPE tokens look like {@code Ġthe}). */
    public final String token(int id) {
        checkId(id);
        return vocab.tokens[id];
    }

    /** The id of a token text, or -1. */
    public final int tokenId(String text) {
        return vocab.index.find(text);
    }

    /** {@code tokenizer.ggml.model}: gpt2, llama or bert. */
    public final String model() {
        return vocab.model;
    }

    /** {@code tokenizer.ggml.pre}, or "" when absent. */
    public final String preTokenizer() {
        return vocab.pre;
    }

    /** -1 when the model has none. */
    public final int bosId() {
        return vocab.bos;
    }

    public final int eosId() {
        return vocab.eos;
    }

    public final int eotId() {
        return vocab.eot;
    }

    public final int unknownId() {
        return vocab.unk;
    }

    public final int padId() {
        return vocab.pad;
    }

    public final boolean addsBos() {
        return vocab.addBos;
    }

    public final boolean addsEos() {
        return vocab.addEos;
    }

    public final boolean isControl(int id) {
        return vocab.has(id, TokenAttr.CONTROL);
    }

    public final boolean isEndOfGeneration(int id) {
        return endOfGeneration.contains(id);
    }

    /**
     * Ids that end generation, as llama.cpp collects them: EOS, EOT, EOM, FIM pad/repo/file-separator, and every token
     * whose text is one of the usual end markers ({@code <|im_end|>}, {@code <|eot_id|>}, {@code <|endoftext|>},
     * {@code <end_of_turn>}, {@code </s>}, ...).
     */
    public final Set<Integer> endOfGenerationIds() {
        return endOfGeneration;
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary (size " + pieces.length + ")");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[model=" + vocab.model + ", pre=" + vocab.pre + ", vocab=" + vocab.size()
                + ", bos=" + vocab.bos + ", eos=" + vocab.eos + ", eog=" + Arrays.toString(vocab.endOfGeneration) + "]";
    }
}
