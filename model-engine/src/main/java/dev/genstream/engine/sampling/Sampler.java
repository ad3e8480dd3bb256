package dev.genstream.engine.sampling;

import dev.genstream.engine.kernels.FastExp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Picks the next token from raw logits, reproducibly: the result depends only on the logits, the history, the
 * params and the token index, never on earlier calls, so a generation resumed at any index continues exactly.
 *
 * <p>The chain is llama.cpp's default: penalties → (temperature 0: argmax, ties to the lowest id) → top-k → top-p →
 * min-p → temperature → softmax → draw with {@link CounterRng#uniform(long, long) uniform(seed, index)}.
 * Truncation works on the temperature-1 distribution; temperature only reshapes what survives.
 *
 * <p>Determinism: candidates are ranked by logit descending, ties by lower id; every sum runs in a fixed order
 * (token-id order over the whole vocabulary, rank order over truncated candidates), and {@code exp} is
 * {@link FastExp}, pure IEEE arithmetic. The draw walks the cumulative weights and takes the first candidate
 * whose running sum exceeds {@code u · total}: in rank order once any truncation stage is active, in token-id
 * order when none is (which spares sorting the vocabulary for plain temperature sampling).
 *
 * <p>Not thread-safe: it reuses scratch buffers across calls (one sampler per sequence or per thread). The
 * caller's arrays are never modified.
 */
public final class Sampler {

    private final SamplingParams params;
    private final Penalties penalties;
    private final TopP topP = new TopP();
    private final double logMinP;
    private final long[] alternatives;
    private float[] penalized = new float[0];
    private long[] keys = new long[0];

    public Sampler(SamplingParams params) {
        this.params = params;
        this.penalties = params.penalizes() ? new Penalties(params) : null;
        this.logMinP = params.minP() > 0 ? StrictMath.log(params.minP()) : Double.NEGATIVE_INFINITY;
        this.alternatives = new long[params.logprobs()];
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * @param logits     raw next-token logits (not modified); length = vocabulary size
     * @param history    tokens so far, prompt then generated; penalties read the last {@code repeatLastN}
     * @param historyLen how many entries of {@code history} are valid
     * @param index      0-based index of the token being generated, the counter of the random draw
     */
    public SampleResult sample(float[] logits, int[] history, int historyLen, long index) {
        return sample(logits, history, historyLen, index, null);
    }

    /**
     * As {@link #sample(float[], int[], int, long)}, with {@code processor} (may be null) rewriting a copy of the
     * logits after penalties and before truncation, e.g. a grammar mask. Logprobs stay those of the raw logits.
     */
    public SampleResult sample(float[] logits, int[] history, int historyLen, long index, LogitProcessor processor) {
        int v = logits.length;
        if (v == 0) throw new IllegalArgumentException("empty logits");
        if (historyLen < 0 || historyLen > (history == null ? 0 : history.length)) {
            throw new IllegalArgumentException("historyLen " + historyLen + " outside the history array");
        }
        if (index < 0) throw new IllegalArgumentException("index must be >= 0, got " + index);

        float rawMax = max(logits, v);
        double rawLogZ = StrictMath.log(sumWeights(logits, v, rawMax));

        float[] x = logits;
        float max = rawMax;
        if (penalties != null && historyLen > 0) {
            x = penalizedCopy(logits, v);
            penalties.apply(x, history, historyLen);
            max = max(x, v);
        }
        if (processor != null) {
            if (x == logits) x = penalizedCopy(logits, v);
            processor.apply(x);
            max = max(x, v);
        }
        int token = params.isGreedy() ? argmax(x, v) : draw(x, v, max, CounterRng.uniform(params.seed(), index));
        return new SampleResult(token, logprob(logits[token], rawMax, rawLogZ), topLogprobs(logits, v, rawMax, rawLogZ));
    }

    private int draw(float[] x, int v, float max, double u) {
        int n = v;
        boolean ranked = false; // false: all of x[0..v), in id order; true: keys[0..n), best first
        if (params.topK() > 0 && params.topK() < v) {
            n = RankKeys.selectTop(x, v, params.topK(), keys(params.topK()));
            ranked = true;
        }
        if (params.topP() < 1) {
            n = ranked ? TopP.cutRanked(x, keys, n, params.topP()) : topP.cutVocabulary(x, v, max, params.topP(), keys(v));
            ranked = true;
        }
        if (params.minP() > 0) {
            n = ranked ? minPCut(x, n, max) : minPSelect(x, v, max);
            ranked = true;
        }
        return ranked ? drawRanked(x, n, max, u) : drawAll(x, v, max, u);
    }

    /** Keeps tokens with {@code p >= minP * p(max)}, i.e. {@code logit - max >= ln(minP)}. */
    private int minPCut(float[] x, int n, float max) {
        int kept = 1; // the best token always stays
        while (kept < n && (double) x[RankKeys.id(keys[kept])] - max >= logMinP) kept++;
        return kept;
    }

    private int minPSelect(float[] x, int v, float max) {
        long[] k = keys(v);
        int n = 0;
        for (int i = 0; i < v; i++) if ((double) x[i] - max >= logMinP) k[n++] = RankKeys.key(x[i], i);
        Arrays.sort(k, 0, n);
        return n;
    }

    private int drawRanked(float[] x, int n, float max, double u) {
        double t = params.temperature();
        double z = 0;
        for (int r = 0; r < n; r++) z += FastExp.exp(((double) x[RankKeys.id(keys[r])] - max) / t);
        double target = u * z, cum = 0;
        int lastPositive = RankKeys.id(keys[0]);
        for (int r = 0; r < n; r++) {
            int id = RankKeys.id(keys[r]);
            double w = FastExp.exp(((double) x[id] - max) / t);
            cum += w;
            if (cum > target) return id;
            if (w > 0) lastPositive = id;
        }
        return lastPositive; // u·z rounded up to z
    }

    private int drawAll(float[] x, int v, float max, double u) {
        double t = params.temperature();
        double z = 0;
        for (int i = 0; i < v; i++) z += FastExp.exp(((double) x[i] - max) / t);
        double target = u * z, cum = 0;
        int lastPositive = -1;
        for (int i = 0; i < v; i++) {
            double w = FastExp.exp(((double) x[i] - max) / t);
            cum += w;
            if (cum > target) return i;
            if (w > 0) lastPositive = i;
        }
        return lastPositive;
    }

    private List<TokenLogprob> topLogprobs(float[] logits, int v, float rawMax, double rawLogZ) {
        if (alternatives.length == 0) return List.of();
        int n = RankKeys.selectTop(logits, v, alternatives.length, alternatives);
        List<TokenLogprob> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            int id = RankKeys.id(alternatives[r]);
            out.add(new TokenLogprob(id, logprob(logits[id], rawMax, rawLogZ)));
        }
        return out;
    }

    private static double logprob(float logit, float max, double logZ) {
        return ((double) logit - max) - logZ;
    }

    /** Σ exp(l - max) in token-id order. */
    private static double sumWeights(float[] x, int v, float max) {
        double z = 0;
        for (int i = 0; i < v; i++) z += FastExp.exp((double) x[i] - max);
        return z;
    }

    private static float max(float[] x, int v) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            float l = x[i];
            if (l != l) throw new IllegalArgumentException("logit " + i + " is NaN");
            if (l > max) max = l;
        }
        if (max == Float.NEGATIVE_INFINITY) throw new IllegalArgumentException("every logit is -infinity");
        if (max == Float.POSITIVE_INFINITY) throw new IllegalArgumentException("a logit is +infinity");
        return max;
    }

    /** First index of the maximum: ties go to the lowest id. */
    private static int argmax(float[] x, int v) {
        int best = 0;
        for (int i = 1; i < v; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private float[] penalizedCopy(float[] logits, int v) {
        if (penalized.length < v) penalized = new float[v];
        System.arraycopy(logits, 0, penalized, 0, v);
        return penalized;
    }

    private long[] keys(int capacity) {
        if (keys.length < capacity) keys = new long[capacity];
        return keys;
    }
}
