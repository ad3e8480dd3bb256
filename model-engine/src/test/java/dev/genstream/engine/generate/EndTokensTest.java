package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Extra end tokens (a chat template's end-of-turn marker) end generation as an EOS token does. */
class EndTokensTest {
    @Test
    void generationEndsAtAnExtraEndToken() {
        try (Model model = Model.load(BundledModel.path(), 1)) {
            Generator g = new Generator(model, model.tokenizer(), 128);
            int[] prompt = model.tokenizer().encode("And the LORD said unto Moses,", true, true);
            Generator.Result free = g.generate(prompt, new GenerationParams(SamplingParams.greedy(), 12, List.of()), t -> {});
            assertThat(free.tokens()).hasSize(12);
            int third = free.tokens()[2];
            int firstAt = Arrays.stream(free.tokens()).boxed().toList().indexOf(third);
            Generator.Result ended = g.generate(prompt,
                    new GenerationParams(SamplingParams.greedy(), 12, List.of(), Set.of(third)), t -> {});
            assertThat(ended.finishReason()).isEqualTo(FinishReason.EOS);
            // the end token is neither among the generated tokens nor in the text, as with EOS
            assertThat(ended.tokens()).containsExactly(Arrays.copyOf(free.tokens(), firstAt));
            assertThat(ended.text()).isEqualTo(model.tokenizer().decode(Arrays.copyOf(free.tokens(), firstAt)));
        }
    }
}
