package dev.genstream.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SentencePiece BPE (Llama 2, Mistral, Phi-3), as llama.cpp's {@code llm_tokenizer_spm}: spaces become U+2581, a
 * space is prefixed to text that starts the input or follows a special token, every character starts as a symbol,
 * and the adjacent pair whose concatenation is the highest-scoring token merges first (leftmost on ties). Symbols
 * that are not tokens fall back to {@code <0xNN>} byte tokens.
 */
final class SpmTokenizer extends Tokenizer {
    private static final char SPACE = '\u2581';

    private final int[] byteToken = new int[256];

    SpmTokenizer(Vocab vocab) {
        super(vocab);
        for (int b = 0; b < 256; b++) {
            int id = vocab.index.find(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) id = vocab.index.find(String.valueOf((char) b));
            byteToken[b] = id >= 0 ? id : vocab.unk;
        }
    }

    @Override
    void encode(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial && vocab.addBos) out.add(vocab.bos);
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (f.isText()) {
                boolean prefix = vocab.addSpacePrefix && afterSpecial;
                int n = f.end() - f.start() + (prefix ? 1 : 0);
                char[] chars = new char[n];
                int k = 0;
                if (prefix) chars[k++] = SPACE;
                for (int i = f.start(); i < f.end(); i++) {
                    char c = text.charAt(i);
                    chars[k++] = c == ' ' ? SPACE : c;
                }
                merge(chars, out);
                afterSpecial = false;
            } else {
                out.add(f.token());
                afterSpecial = true;
            }
        }
        if (addSpecial && vocab.addEos) out.add(vocab.eos);
    }

    /** Symbols are char ranges of {@code text}, one code point each to begin with. */
    private void merge(char[] text, IntList out) {
        int n = 0;
        int[] start = new int[text.length];
        for (int i = 0; i < text.length; i += Character.isHighSurrogate(text[i]) && i + 1 < text.length
                && Character.isLowSurrogate(text[i + 1]) ? 2 : 1) {
            start[n++] = i;
        }
        if (n == 0) return;
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = (i + 1 < n ? start[i + 1] : text.length) - start[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        MinHeap queue = new MinHeap(n);
        for (int i = 0; i + 1 < n; i++) pushPair(queue, text, start, len, i, i + 1);
        while (!queue.isEmpty()) {
            int left = (int) queue.topKey();
            int size = queue.topValue();
            queue.pop();
            int right = next[left];
            // stale entries: a side has merged since, which changed the pair's total length
            if (len[left] == 0 || right < 0 || len[right] == 0 || len[left] + len[right] != size) continue;
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[left] >= 0) prev[next[left]] = left;
            if (prev[left] >= 0) pushPair(queue, text, start, len, prev[left], left);
            if (next[left] >= 0) pushPair(queue, text, start, len, left, next[left]);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            int id = vocab.index.find(text, start[i], start[i] + len[i]);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            byte[] bytes = new String(text, start[i], len[i]).getBytes(StandardCharsets.UTF_8);
            for (byte b : bytes) {
                int t = byteToken[b & 0xFF];
                if (t >= 0) out.add(t);
            }
        }
    }

    private void pushPair(MinHeap queue, char[] text, int[] start, int[] len, int left, int right) {
        int from = start[left];
        int to = start[right] + len[right];
        int id = vocab.index.find(text, from, to);
        if (id < 0) return;
        // highest score first, then leftmost: invert the score's sortable bits into the high half of the key
        float score = vocab.scores[id] == 0f ? 0f : vocab.scores[id];
        int bits = Float.floatToIntBits(score);
        int sortable = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        queue.push((long) ~sortable << 32 | left, to - from);
    }

    @Override
    byte[] normalPiece(String text) {
        return text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }
}
