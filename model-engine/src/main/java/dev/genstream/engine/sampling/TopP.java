package dev.genstream.engine.sampling;

import dev.genstream.engine.kernels.FastExp;
import java.util.Arrays;

/**
 * Nucleus (top-p) truncation. Keeps the shortest rank-order prefix whose cumulative weight reaches {@code p} of the
 * total, the crossing token included (llama.cpp semantics). Weights are {@code exp(l - max)} at temperature 1.
 */
final class TopP {

    /** Buckets of {@code max - logit}, a quarter nat wide; the last one takes everything further down. */
    private static final int BUCKETS = 128;
    private static final double PER_NAT = 4;

    private final double[] mass = new double[BUCKETS];

    /**
     * Over already-ranked candidates {@code keys[0..n)}: the normalizer is their weight summed in rank order.
     * Returns the kept count.
     */
    static int cutRanked(float[] x, long[] keys, int n, double p) {
        float max = x[RankKeys.id(keys[0])];
        double z = 0;
        for (int r = 0; r < n; r++) z += weight(x[RankKeys.id(keys[r])], max);
        int kept = cumulativeCut(x, keys, n, max, p * z);
        return kept < 0 ? n : kept;
    }

    /**
     * Over the whole vocabulary {@code x[0..v)}: the normalizer is summed in token-id order. Writes the kept
     * candidates, best first, to {@code keys} (capacity ≥ v) and returns their count.
     *
     * <p>Sorting 150k logits per token would dominate, so a histogram of weight by distance from the max finds how
     * far down the nucleus can reach; only tokens up to one bucket beyond that are sorted. Those always form a
     * rank-order prefix, and the cut is then made exactly as a full sort would make it; should summation-order
     * rounding leave the prefix short of the target, it falls back to sorting everything.
     */
    int cutVocabulary(float[] x, int v, float max, double p, long[] keys) {
        Arrays.fill(mass, 0);
        double z = 0;
        for (int i = 0; i < v; i++) {
            double w = weight(x[i], max);
            z += w;
            mass[bucket(x[i], max)] += w;
        }
        double target = p * z;
        int last = BUCKETS - 1;
        double cum = 0;
        for (int b = 0; b < BUCKETS; b++) {
            cum += mass[b];
            if (cum >= target) {
                last = Math.min(b + 1, BUCKETS - 1);
                break;
            }
        }
        while (true) {
            int n = 0;
            for (int i = 0; i < v; i++) if (bucket(x[i], max) <= last) keys[n++] = RankKeys.key(x[i], i);
            Arrays.sort(keys, 0, n);
            int kept = cumulativeCut(x, keys, n, max, target);
            if (kept >= 0) return kept;
            if (last == BUCKETS - 1) return n;
            last = BUCKETS - 1;
        }
    }

    /** Count up to and including the token where the rank-order sum reaches target; -1 if it never does. */
    private static int cumulativeCut(float[] x, long[] keys, int n, float max, double target) {
        double cum = 0;
        for (int r = 0; r < n; r++) {
            cum += weight(x[RankKeys.id(keys[r])], max);
            if (cum >= target) return r + 1;
        }
        return -1;
    }

    static double weight(float logit, float max) {
        return FastExp.exp((double) logit - max);
    }

    /** Monotone in the logit (higher logit, lower or equal bucket), so a bucket range is a rank prefix. */
    private static int bucket(float logit, float max) {
        double s = ((double) max - logit) * PER_NAT;
        return s < BUCKETS - 1 ? (int) s : BUCKETS - 1;
    }
}
