package dev.genstream.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    @Test
    void defaultsMatchLlamaCpp() {
        SamplingParams d = SamplingParams.defaults();
        assertThat(d.temperature()).isEqualTo(0.8);
        assertThat(d.topK()).isEqualTo(40);
        assertThat(d.topP()).isEqualTo(0.95);
        assertThat(d.minP()).isEqualTo(0.05);
        assertThat(d.repeatPenalty()).isEqualTo(1.0);
        assertThat(d.repeatLastN()).isEqualTo(64);
        assertThat(d.presencePenalty()).isZero();
        assertThat(d.frequencyPenalty()).isZero();
        assertThat(d.logprobs()).isZero();
        assertThat(d.isGreedy()).isFalse();
        assertThat(SamplingParams.greedy().isGreedy()).isTrue();
    }

    @Test
    void builderAndWithersChangeOnlyWhatTheyName() {
        SamplingParams p = SamplingParams.builder().topK(5).seed(9).build();
        assertThat(p).isEqualTo(new SamplingParams(0.8, 5, 0.95, 0.05, 1.0, 64, 0, 0, 9, 0));
        assertThat(p.withSeed(10).seed()).isEqualTo(10);
        assertThat(p.withTemperature(0).isGreedy()).isTrue();
        assertThat(p.withLogprobs(3).logprobs()).isEqualTo(3);
        assertThat(p.toBuilder().noTruncation().build())
                .extracting(SamplingParams::topK, SamplingParams::topP, SamplingParams::minP)
                .containsExactly(0, 1.0, 0.0);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("temperature", b -> b.temperature(-0.1)),
                bad("temperature", b -> b.temperature(Double.NaN)),
                bad("temperature", b -> b.temperature(Double.POSITIVE_INFINITY)),
                bad("topK", b -> b.topK(-1)),
                bad("topP", b -> b.topP(0)),
                bad("topP", b -> b.topP(1.01)),
                bad("topP", b -> b.topP(Double.NaN)),
                bad("minP", b -> b.minP(-0.01)),
                bad("minP", b -> b.minP(1.5)),
                bad("repeatPenalty", b -> b.repeatPenalty(0)),
                bad("repeatPenalty", b -> b.repeatPenalty(-1)),
                bad("repeatPenalty", b -> b.repeatPenalty(Double.NaN)),
                bad("repeatLastN", b -> b.repeatLastN(-2)),
                bad("presencePenalty", b -> b.presencePenalty(Double.NaN)),
                bad("presencePenalty", b -> b.presencePenalty(1e300)),
                bad("frequencyPenalty", b -> b.frequencyPenalty(Double.NEGATIVE_INFINITY)),
                bad("logprobs", b -> b.logprobs(-1)),
                bad("logprobs", b -> b.logprobs(21)));
    }

    private static Arguments bad(String field, UnaryOperator<SamplingParams.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidValuesAreRejectedWithTheirName(String field, UnaryOperator<SamplingParams.Builder> change) {
        assertThatThrownBy(() -> change.apply(SamplingParams.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must");
    }

    @Test
    void boundaryValuesAreAccepted() {
        SamplingParams p = SamplingParams.builder().temperature(0).topK(0).topP(1).minP(1).repeatLastN(-1)
                .presencePenalty(-2).frequencyPenalty(2).logprobs(20).build();
        assertThat(p.logprobs()).isEqualTo(20);
    }
}
