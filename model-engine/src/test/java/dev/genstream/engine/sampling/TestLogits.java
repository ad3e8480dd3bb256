package dev.genstream.engine.sampling;

import java.util.SplittableRandom;

/** Deterministic logits for tests, including a stand-in "model" whose output depends on the history. */
final class TestLogits {

    private TestLogits() {}

    static float[] gaussian(long seed, int v, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] l = new float[v];
        for (int i = 0; i < v; i++) l[i] = (float) (r.nextGaussian() * scale);
        return l;
    }

    /** Rounded to whole numbers: plenty of exact ties. */
    static float[] withTies(long seed, int v) {
        float[] l = gaussian(seed, v, 2);
        for (int i = 0; i < v; i++) l[i] = Math.round(l[i]);
        return l;
    }

    /** Logits as a function of the last three tokens and the length, like a (very small) language model. */
    static float[] model(int[] history, int len, int v) {
        long h = len;
        for (int i = Math.max(0, len - 3); i < len; i++) h = h * 1_000_003 + history[i];
        float[] l = gaussian(h, v, 2.5);
        for (int i = Math.max(0, len - 3); i < len; i++) l[history[i]] += 1.5f; // likes to repeat: penalties matter
        return l;
    }
}
