package dev.genstream.engine.tokenizer;

import dev.genstream.engine.gguf.GgufMetadata;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (GPT-2 style), as llama.cpp's {@code llm_tokenizer_bpe_session}: the pre-tokenizer splits text into
 * words, each word's UTF-8 bytes start as one symbol apiece, and the adjacent pair with the lowest merge rank merges
 * first (leftmost on ties) until no pair has a rank.
 *
 * <p>Every string that can appear as a symbol gets a "piece id": its token id when it is in the vocabulary, else a
 * number past the vocabulary. A merge rule is then a lookup {@code (left id, right id) -> rank} whose result id is
 * precomputed, so merging builds no strings.
 */
final class BpeTokenizer extends Tokenizer {
    private static final int CACHE_LIMIT = 1 << 16;
    private static final int CACHED_WORD_MAX = 64; // code points; longer words are rare and not worth keeping

    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    private final LongIntMap ranks = new LongIntMap(1024);
    private final int[] mergeResult;
    private final int[] bytePiece = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeTokenizer(Vocab vocab, GgufMetadata md) {
        super(vocab);
        this.preTokenizer = vocab.preConfig.build();
        this.ignoreMerges = vocab.preConfig.ignoreMerges();
        if (!md.has("tokenizer.ggml.merges")) throw new IllegalArgumentException("BPE tokenizer without tokenizer.ggml.merges");
        String[] merges = md.getStrings("tokenizer.ggml.merges");
        mergeResult = new int[merges.length];
        Map<String, Integer> extra = new HashMap<>();
        for (int rank = 0; rank < merges.length; rank++) {
            String m = merges[rank];
            int space = m.indexOf(' ', 1);
            if (space < 0) continue;
            String left = m.substring(0, space);
            String right = m.substring(space + 1);
            long key = pairKey(pieceId(left, extra), pieceId(right, extra));
            if (ranks.putIfAbsent(key, rank) == rank) mergeResult[rank] = pieceId(left + right, extra);
        }
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf(ByteLevel.encode(b));
            int id = vocab.index.find(s);
            bytePiece[b] = id >= 0 ? id : extra.getOrDefault(s, -1);
        }
    }

    private int pieceId(String s, Map<String, Integer> extra) {
        int id = vocab.index.find(s);
        return id >= 0 ? id : extra.computeIfAbsent(s, k -> vocab.size() + extra.size());
    }

    private static long pairKey(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    @Override
    void encode(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial && vocab.addBos) out.add(vocab.bos);
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (f.isText()) encodeText(text, f.start(), f.end(), out);
            else out.add(f.token());
        }
        if (addSpecial && vocab.addEos) out.add(vocab.eos);
    }

    private void encodeText(String text, int from, int to, IntList out) {
        int[] cps = Unicode.codePoints(text, from, to);
        IntList words = preTokenizer.split(cps);
        int start = 0;
        for (int w = 0; w < words.size(); w++) {
            int end = start + words.get(w);
            encodeWord(cps, start, end, out);
            start = end;
        }
    }

    private void encodeWord(int[] cps, int from, int to, IntList out) {
        String key = null;
        if (to - from <= CACHED_WORD_MAX) {
            key = new String(cps, from, to - from);
            int[] hit = cache.get(key);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        byte[] bytes = Unicode.utf8(cps, from, to);
        IntList ids = new IntList(bytes.length);
        int whole = ignoreMerges ? vocab.index.find(ByteLevel.encode(bytes, 0, bytes.length)) : -1;
        if (whole >= 0) ids.add(whole);
        else merge(bytes, ids);
        int[] result = ids.toArray();
        if (key != null) {
            if (cache.size() >= CACHE_LIMIT) cache.clear();
            cache.put(key, result);
        }
        out.addAll(result);
    }

    /** Merges one word's bytes; symbols are a linked list over byte positions. */
    private void merge(byte[] bytes, IntList out) {
        int n = bytes.length;
        int[] piece = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            piece[i] = bytePiece[bytes[i] & 0xFF];
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        MinHeap queue = new MinHeap(n);
        for (int i = 0; i + 1 < n; i++) pushPair(queue, piece, i, i + 1);
        while (!queue.isEmpty()) {
            long top = queue.topKey();
            queue.pop();
            int left = (int) top;
            int rank = (int) (top >>> 32);
            int right = next[left];
            // stale entries: one side has merged since; its piece id (so its pair's rank) has changed
            if (len[left] == 0 || right < 0 || rankOf(piece[left], piece[right]) != rank) continue;
            piece[left] = mergeResult[rank];
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[left] >= 0) prev[next[left]] = left;
            if (prev[left] >= 0) pushPair(queue, piece, prev[left], left);
            if (next[left] >= 0) pushPair(queue, piece, left, next[left]);
        }
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            if (piece[i] >= 0 && piece[i] < vocab.size()) {
                out.add(piece[i]);
                continue;
            }
            // not a token: llama.cpp looks up each byte of the symbol's text alone, which only ASCII survives
            for (int k = i; k < i + len[i]; k++) {
                int b = bytes[k] & 0xFF;
                if (b >= 0x21 && b <= 0x7E && bytePiece[b] >= 0 && bytePiece[b] < vocab.size()) out.add(bytePiece[b]);
            }
        }
    }

    private void pushPair(MinHeap queue, int[] piece, int left, int right) {
        int rank = rankOf(piece[left], piece[right]);
        if (rank >= 0) queue.push((long) rank << 32 | left, 0);
    }

    private int rankOf(int left, int right) {
        return left < 0 || right < 0 ? -1 : ranks.get(pairKey(left, right));
    }

    @Override
    byte[] normalPiece(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else { // what llama.cpp writes for a char outside the byte map
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                StringBuilder sb = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : utf8) sb.append(String.format("%02x", u & 0xFF));
                sb.append(text).append(']');
                out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
