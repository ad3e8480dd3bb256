package dev.genstream.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.engine.sampling.CounterRng;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-issues recorded prompts under derived ids ({@code <old>@replay-<run>}, so the service's dedup rule does not
 * refuse them) with the seed the recorded run used and the same params, optionally for another model alias; then
 * joins the new completions with the recorded ones. The new answers go to a results file, so a replay resumes
 * like a batch.
 */
public final class ReplayJob {
    public static final String SEPARATOR = "@replay-";

    private final GenstreamConfig config;
    private final PrintStream err;

    public ReplayJob(GenstreamConfig config, PrintStream err) {
        this.config = config;
        this.err = err;
    }

    /**
     * @param originals checked prompt lines, with their original request ids
     * @param recorded  the recorded answer of each original id (absent ones are reported as failed)
     */
    public ReplayReport run(List<PromptLines.Line> originals, Map<String, JsonNode> recorded, String run, String model,
                            Path out, Duration timeout, boolean progressBar) throws IOException {
        List<PromptLines.Line> derived = new ArrayList<>();
        Map<String, String> replayIdOf = new HashMap<>();
        for (PromptLines.Line l : originals) {
            PromptRequest r = derive(l.request(), recorded.get(l.request().getRequestId()), run, model);
            derived.add(new PromptLines.Line(l.number(), r));
            replayIdOf.put(l.request().getRequestId(), r.getRequestId());
        }
        BatchJob.Outcome o = new BatchJob(config, err).answer(derived, 0, out, timeout, progressBar);
        ReplayReport report = new ReplayReport(run);
        for (PromptLines.Line l : originals) {
            String id = l.request().getRequestId(), replayId = replayIdOf.get(id);
            report.add(id, replayId, recorded.get(id), o.answers().get(replayId));
        }
        return report;
    }

    /** The replay of {@code r}: a derived id, the seed the recording used, the same params, maybe another model. */
    static PromptRequest derive(PromptRequest r, JsonNode recorded, String run, String model) {
        GenerationParams p = r.getParams() != null ? GenerationParams.newBuilder(r.getParams()).build() : GenerationParams.newBuilder().build();
        if (p.getSeed() == null) {
            // The service seeds an unseeded request from its id; the derived id would seed it differently.
            boolean hasRecordedSeed = recorded != null && recorded.hasNonNull("seed");
            p.setSeed(hasRecordedSeed ? recorded.get("seed").asLong() : CounterRng.seedFor(r.getRequestId()));
        }
        Map<String, String> md = new HashMap<>(r.getMetadata());
        md.put("replay_of", r.getRequestId());
        md.put("replay_run", run);
        return PromptRequest.newBuilder(r)
                .setRequestId(r.getRequestId() + SEPARATOR + run)
                .setModel(model != null ? model : r.getModel())
                .setParams(p)
                .setMetadata(md)
                .setCreatedAt(Instant.now())
                .build();
    }
}
