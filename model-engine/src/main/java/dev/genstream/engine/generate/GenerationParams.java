package dev.genstream.engine.generate;

import dev.genstream.engine.constrain.Grammar;
import dev.genstream.engine.sampling.SamplingParams;
import java.util.List;
import java.util.Set;

/**
 * What to generate: sampling, a token limit, stop strings (which end generation and are not emitted), token ids
 * that end generation as the tokenizer's end-of-generation ids do (a chat template's end-of-turn marker), and an
 * optional grammar the output must match (null: free text). Stop strings cannot be combined with a grammar: one
 * could cut the output mid-match, and the grammar already says where the output ends.
 */
public record GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop, Set<Integer> endTokens, Grammar grammar) {
    public GenerationParams {
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be positive, got " + maxTokens);
        stop = List.copyOf(stop);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
        endTokens = Set.copyOf(endTokens);
        if (grammar != null && !stop.isEmpty()) throw new IllegalArgumentException("stop strings cannot be combined with a grammar or schema");
    }

    public GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop) {
        this(sampling, maxTokens, stop, Set.of(), null);
    }

    public GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop, Set<Integer> endTokens) {
        this(sampling, maxTokens, stop, endTokens, null);
    }

    public GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop, Grammar grammar) {
        this(sampling, maxTokens, stop, Set.of(), grammar);
    }

    public GenerationParams withEndTokens(Set<Integer> ids) {
        return new GenerationParams(sampling, maxTokens, stop, ids, grammar);
    }
}
