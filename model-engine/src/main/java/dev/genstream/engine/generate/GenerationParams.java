package dev.genstream.engine.generate;

import dev.genstream.engine.sampling.SamplingParams;
import java.util.List;
import java.util.Set;

/**
 * What to generate: sampling, a token limit, stop strings (which end generation and are not emitted), and token ids
 * that end generation as the tokenizer's end-of-generation ids do (a chat template's end-of-turn marker).
 */
public record GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop, Set<Integer> endTokens) {
    public GenerationParams {
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be positive, got " + maxTokens);
        stop = List.copyOf(stop);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
        endTokens = Set.copyOf(endTokens);
    }

    public GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop) {
        this(sampling, maxTokens, stop, Set.of());
    }

    public GenerationParams withEndTokens(Set<Integer> ids) {
        return new GenerationParams(sampling, maxTokens, stop, ids);
    }
}
