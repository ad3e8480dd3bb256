package dev.genstream.engine.sampling;

/**
 * How to pick the next token. Validated on construction; every "off" value disables its stage.
 *
 * @param temperature      0 = greedy (argmax); otherwise logits are divided by it after truncation
 * @param topK             keep the k most likely tokens; 0 = off
 * @param topP             keep the smallest most-likely prefix whose probability reaches p; in (0, 1], 1 = off
 * @param minP             keep tokens with probability ≥ minP · p(max); in [0, 1], 0 = off
 * @param repeatPenalty    CTRL/llama.cpp repetition penalty; 1 = off, must be &gt; 0
 * @param repeatLastN      how many of the last history tokens the penalties look at; -1 = all, 0 = none
 * @param presencePenalty  OpenAI presence penalty (subtracted once per distinct recent token); 0 = off
 * @param frequencyPenalty OpenAI frequency penalty (subtracted per occurrence); 0 = off
 * @param seed             stream of the counter-based draw, see {@link CounterRng}
 * @param logprobs         how many top alternatives to report with each token, 0..{@value #MAX_LOGPROBS}
 */
public record SamplingParams(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repeatPenalty,
        int repeatLastN,
        double presencePenalty,
        double frequencyPenalty,
        long seed,
        int logprobs) {

    public static final int MAX_LOGPROBS = 20;

    public SamplingParams {
        require(Double.isFinite(temperature) && temperature >= 0, "temperature must be finite and >= 0", temperature);
        require(topK >= 0, "topK must be >= 0 (0 = off)", topK);
        require(topP > 0 && topP <= 1, "topP must be in (0, 1] (1 = off)", topP);
        require(minP >= 0 && minP <= 1, "minP must be in [0, 1] (0 = off)", minP);
        // Penalties are applied in float arithmetic, so they must be usable as finite, normal floats.
        require(repeatPenalty >= Float.MIN_NORMAL && repeatPenalty <= Float.MAX_VALUE,
                "repeatPenalty must be a finite float > 0 (1 = off)", repeatPenalty);
        require(repeatLastN >= -1, "repeatLastN must be >= -1 (-1 = whole history, 0 = none)", repeatLastN);
        require(Math.abs(presencePenalty) <= Float.MAX_VALUE, "presencePenalty must be a finite float", presencePenalty);
        require(Math.abs(frequencyPenalty) <= Float.MAX_VALUE, "frequencyPenalty must be a finite float", frequencyPenalty);
        require(logprobs >= 0 && logprobs <= MAX_LOGPROBS, "logprobs must be in [0, " + MAX_LOGPROBS + "]", logprobs);
    }

    /** llama.cpp's CLI defaults: temp 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties, last-n 64, seed 0. */
    public static SamplingParams defaults() {
        return new SamplingParams(0.8, 40, 0.95, 0.05, 1.0, 64, 0, 0, 0L, 0);
    }

    /** Argmax with every other stage off. */
    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0, 1.0, 64, 0, 0, 0L, 0);
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public SamplingParams withSeed(long seed) {
        return toBuilder().seed(seed).build();
    }

    public SamplingParams withTemperature(double temperature) {
        return toBuilder().temperature(temperature).build();
    }

    public SamplingParams withLogprobs(int logprobs) {
        return toBuilder().logprobs(logprobs).build();
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    boolean penalizes() {
        return repeatLastN != 0 && (repeatPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0);
    }

    private static void require(boolean ok, String message, Object value) {
        if (!ok) throw new IllegalArgumentException(message + ", got " + value);
    }

    /** Starts from the values it was created with ({@link #defaults()} for {@link #builder()}). */
    public static final class Builder {
        private double temperature;
        private int topK;
        private double topP;
        private double minP;
        private double repeatPenalty;
        private int repeatLastN;
        private double presencePenalty;
        private double frequencyPenalty;
        private long seed;
        private int logprobs;

        private Builder(SamplingParams p) {
            temperature = p.temperature;
            topK = p.topK;
            topP = p.topP;
            minP = p.minP;
            repeatPenalty = p.repeatPenalty;
            repeatLastN = p.repeatLastN;
            presencePenalty = p.presencePenalty;
            frequencyPenalty = p.frequencyPenalty;
            seed = p.seed;
            logprobs = p.logprobs;
        }

        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder minP(double v) { minP = v; return this; }
        public Builder repeatPenalty(double v) { repeatPenalty = v; return this; }
        public Builder repeatLastN(int v) { repeatLastN = v; return this; }
        public Builder presencePenalty(double v) { presencePenalty = v; return this; }
        public Builder frequencyPenalty(double v) { frequencyPenalty = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder logprobs(int v) { logprobs = v; return this; }

        /** Turns off top-k, top-p and min-p: plain temperature sampling over the whole vocabulary. */
        public Builder noTruncation() { topK = 0; topP = 1; minP = 0; return this; }

        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                    presencePenalty, frequencyPenalty, seed, logprobs);
        }
    }
}
