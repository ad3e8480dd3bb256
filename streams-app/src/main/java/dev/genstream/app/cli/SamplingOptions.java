package dev.genstream.app.cli;

import dev.genstream.engine.sampling.SamplingParams;
import java.security.SecureRandom;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The sampling flags of the commands that run the model; unset flags take llama.cpp's defaults. */
public final class SamplingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: 0.8)")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "0 = off (default: 40)")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "1 = off (default: 0.95)")
    Double topP;

    @Option(names = "--min-p", paramLabel = "P", description = "0 = off (default: 0.05)")
    Double minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", description = "1 = off (default: 1.0)")
    Double repeatPenalty;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "Tokens the penalties look back over; -1 = all (default: 64)")
    Integer repeatLastN;

    @Option(names = "--presence-penalty", paramLabel = "A", description = "0 = off (default)")
    Double presencePenalty;

    @Option(names = "--frequency-penalty", paramLabel = "A", description = "0 = off (default)")
    Double frequencyPenalty;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "Seed; the same seed and prompt give the same tokens (default: random, printed)")
    Long seed;

    private Long drawn;

    /** The --seed given, or one drawn once per run (print it so the run can be repeated). */
    public long seed() {
        if (seed != null) return seed;
        if (drawn == null) drawn = new SecureRandom().nextLong();
        return drawn;
    }

    /** The parameters, with {@code logprobs} alternatives per token; a bad value is a one-line error naming its flag. */
    public SamplingParams params(int logprobs) {
        SamplingParams d = SamplingParams.defaults();
        try {
            return SamplingParams.builder()
                    .temperature(temperature != null ? temperature : d.temperature())
                    .topK(topK != null ? topK : d.topK())
                    .topP(topP != null ? topP : d.topP())
                    .minP(minP != null ? minP : d.minP())
                    .repeatPenalty(repeatPenalty != null ? repeatPenalty : d.repeatPenalty())
                    .repeatLastN(repeatLastN != null ? repeatLastN : d.repeatLastN())
                    .presencePenalty(presencePenalty != null ? presencePenalty : d.presencePenalty())
                    .frequencyPenalty(frequencyPenalty != null ? frequencyPenalty : d.frequencyPenalty())
                    .seed(seed())
                    .logprobs(logprobs)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), FlagNames.of(e.getMessage()));
        }
    }
}
