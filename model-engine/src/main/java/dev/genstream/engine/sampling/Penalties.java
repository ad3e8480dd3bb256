package dev.genstream.engine.sampling;

import java.util.Arrays;

/**
 * Repetition (CTRL, as llama.cpp), presence and frequency (OpenAI) penalties over the last {@code repeatLastN}
 * history tokens. Arithmetic in float, in llama.cpp's order:
 * {@code l = l <= 0 ? l * repeat : l / repeat; l -= count * frequency + (count > 0) * presence}.
 */
final class Penalties {

    private final float repeat;
    private final float presence;
    private final float frequency;
    private final int lastN;
    private int[] window = new int[0];

    Penalties(SamplingParams p) {
        repeat = (float) p.repeatPenalty();
        presence = (float) p.presencePenalty();
        frequency = (float) p.frequencyPenalty();
        lastN = p.repeatLastN();
    }

    /** Penalizes {@code logits} in place; each distinct recent token is touched once. */
    void apply(float[] logits, int[] history, int historyLen) {
        int n = lastN < 0 ? historyLen : Math.min(lastN, historyLen);
        if (n == 0) return;
        if (window.length < n) window = new int[Math.max(n, 2 * window.length)];
        System.arraycopy(history, historyLen - n, window, 0, n);
        Arrays.sort(window, 0, n); // groups equal tokens: counting without a vocab-sized array
        for (int start = 0; start < n; ) {
            int token = window[start];
            int end = start + 1;
            while (end < n && window[end] == token) end++;
            if (token < 0 || token >= logits.length) {
                throw new IllegalArgumentException("history token " + token + " outside vocabulary [0, " + logits.length + ")");
            }
            float l = logits[token];
            if (repeat != 1f) l = l <= 0 ? l * repeat : l / repeat;
            logits[token] = l - ((float) (end - start) * frequency + presence);
            start = end;
        }
    }
}
