package dev.genstream.engine.generate;

import dev.genstream.engine.sampling.SamplingParams;
import java.util.List;

/** What to generate: sampling, a token limit, and stop strings (which end generation and are not emitted). */
public record GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop) {
    public GenerationParams {
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be positive, got " + maxTokens);
        stop = List.copyOf(stop);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
    }
}
