package dev.genstream.app.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.sampling.CounterRng;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of resuming: a results file cut short by a crash, and the ids and seeds a replay derives. */
class ResultsFileTest {
    @TempDir
    Path dir;

    @Test
    void aPartialLastLineIsDroppedAndTheRestIsKept() throws Exception {
        Path f = Files.writeString(dir.resolve("r.jsonl"),
                "{\"type\":\"completion\",\"request_id\":\"a\",\"text\":\"x\"}\n{\"type\":\"dead_letter\",\"request_id\":\"b\"}\n{\"type\":\"compl");
        try (ResultsFile r = new ResultsFile(f)) {
            assertThat(r.droppedPartialLine()).isTrue();
            assertThat(r.answered()).containsOnlyKeys("a", "b");
            r.append(AvroJson.MAPPER.createObjectNode().put("type", "completion").put("request_id", "c"));
        }
        assertThat(Files.readAllLines(f)).hasSize(3).last().asString().contains("\"request_id\":\"c\"");
        try (ResultsFile again = new ResultsFile(f)) {
            assertThat(again.droppedPartialLine()).isFalse();
            assertThat(again.answered()).containsOnlyKeys("a", "b", "c");
        }
        Path other = Files.writeString(dir.resolve("prompts.jsonl"), "{\"request_id\":\"a\",\"prompt\":\"x\"}\n");
        assertThatThrownBy(() -> new ResultsFile(other)).hasMessageContaining("is not a results line");
    }

    @Test
    void aReplayKeepsTheSeedTheRecordingUsedUnderItsNewId() {
        PromptRequest seeded = PromptRequest.newBuilder().setRequestId("r1").setPrompt("x").setCreatedAt(Instant.EPOCH)
                .setParams(GenerationParams.newBuilder().setSeed(7L).setTemperature(0.9f).build()).build();
        PromptRequest d = ReplayJob.derive(seeded, null, "run1", null);
        assertThat(d.getRequestId()).isEqualTo("r1@replay-run1");
        assertThat(d.getParams().getSeed()).isEqualTo(7L);
        assertThat(d.getParams().getTemperature()).isEqualTo(0.9f);
        assertThat(d.getMetadata()).containsEntry("replay_of", "r1").containsEntry("replay_run", "run1");

        PromptRequest unseeded = PromptRequest.newBuilder().setRequestId("r2").setPrompt("x").setCreatedAt(Instant.EPOCH).build();
        // Without a recorded answer: the seed the service derives from the original id, not from the new one.
        assertThat(ReplayJob.derive(unseeded, null, "run1", "other").getParams().getSeed()).isEqualTo(CounterRng.seedFor("r2"));
        assertThat(ReplayJob.derive(unseeded, null, "run1", "other").getModel()).isEqualTo("other");
        // With one: the seed it reports.
        var recorded = AvroJson.MAPPER.valueToTree(Map.of("type", "completion", "request_id", "r2", "seed", 99));
        assertThat(ReplayJob.derive(unseeded, (com.fasterxml.jackson.databind.JsonNode) recorded, "run1", null).getParams().getSeed()).isEqualTo(99L);
        assertThat(BatchJob.derivedId(3, "{\"prompt\":\"x\"}")).isEqualTo(BatchJob.derivedId(3, "{\"prompt\":\"x\"}"))
                .isNotEqualTo(BatchJob.derivedId(4, "{\"prompt\":\"x\"}")).startsWith("line-3-");
    }
}
