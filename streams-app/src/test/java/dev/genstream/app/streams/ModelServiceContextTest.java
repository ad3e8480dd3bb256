package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.generate.Scheduler;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** genstream.context.size as --ctx-size: past the trained context for RoPE, refused at startup for learned positions. */
class ModelServiceContextTest {
    @Test
    void aRopeModelServesPastItsTrainedContext() {
        Path qwen3 = SharedData.require("models/rand-qwen3/rand-qwen3.f32.gguf");
        try (ModelService s = new ModelService(qwen3, "q", 1, new Scheduler.Limits(2, 64, 1024), 16)) {
            assertThat(s.contextSize()).isEqualTo(1024);
            assertThat(s.model().contextSize()).isEqualTo(1024);
        }
    }

    @Test
    void learnedPositionsBeyondTheirTableStopStartupWithTheSettingNamed() {
        Path gpt2 = SharedData.require("models/rand-gpt2/rand-gpt2.f32.gguf");
        assertThatThrownBy(() -> new ModelService(gpt2, "g", 1, new Scheduler.Limits(2, 64, 1024), 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("genstream.context.size=1024: context size 1024 exceeds the 512 learned positions of this gpt2 model");
    }
}
