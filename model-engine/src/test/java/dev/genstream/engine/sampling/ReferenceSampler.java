package dev.genstream.engine.sampling;

import dev.genstream.engine.kernels.FastExp;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sampling semantics written the slow, obvious way (full sort, boxed counts), to check that the fast paths
 * (bounded-heap top-k, bucketed top-p, sort-free penalties) pick exactly the same tokens. It shares only the
 * weight function, so that agreement can be bit-exact.
 */
final class ReferenceSampler {

    private ReferenceSampler() {}

    static int sample(SamplingParams p, float[] logits, int[] history, int historyLen, long index) {
        int v = logits.length;
        float[] x = logits.clone();
        int window = p.repeatLastN() < 0 ? historyLen : Math.min(p.repeatLastN(), historyLen);
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int i = historyLen - window; i < historyLen; i++) counts.merge(history[i], 1, Integer::sum);
        for (var e : counts.entrySet()) {
            float l = x[e.getKey()];
            l = l <= 0 ? l * (float) p.repeatPenalty() : l / (float) p.repeatPenalty();
            x[e.getKey()] = l - ((float) e.getValue() * (float) p.frequencyPenalty() + (float) p.presencePenalty());
        }
        if (p.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < v; i++) if (x[i] > x[best]) best = i;
            return best;
        }
        boolean topK = p.topK() > 0 && p.topK() < v;
        boolean truncating = topK || p.topP() < 1 || p.minP() > 0;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        if (truncating) {
            Comparator<Integer> byLogitDesc = (a, b) -> x[a] == x[b] ? Integer.compare(a, b) : (x[a] > x[b] ? -1 : 1);
            Arrays.sort(order, byLogitDesc);
        }
        float max = x[0];
        for (float l : x) max = Math.max(max, l);
        int n = topK ? p.topK() : v;
        if (p.topP() < 1) {
            double z = 0;
            if (topK) for (int r = 0; r < n; r++) z += TopP.weight(x[order[r]], max);
            else for (int i = 0; i < v; i++) z += TopP.weight(x[i], max);
            double cum = 0;
            for (int r = 0; r < n; r++) {
                cum += TopP.weight(x[order[r]], max);
                if (cum >= p.topP() * z) {
                    n = r + 1;
                    break;
                }
            }
        }
        if (p.minP() > 0) {
            int kept = 1;
            while (kept < n && (double) x[order[kept]] - max >= StrictMath.log(p.minP())) kept++;
            n = kept;
        }
        double z = 0;
        for (int r = 0; r < n; r++) z += FastExp.exp(((double) x[order[r]] - max) / p.temperature());
        double target = CounterRng.uniform(p.seed(), index) * z, cum = 0;
        for (int r = 0; r < n; r++) {
            cum += FastExp.exp(((double) x[order[r]] - max) / p.temperature());
            if (cum > target) return order[r];
        }
        throw new AssertionError("draw fell off the end (u·z rounded up), not expected in tests");
    }
}
