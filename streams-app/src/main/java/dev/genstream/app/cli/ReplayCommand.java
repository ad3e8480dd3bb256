package dev.genstream.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genstream.app.jobs.AvroJson;
import dev.genstream.app.jobs.BatchJob;
import dev.genstream.app.jobs.BatchProgress;
import dev.genstream.app.jobs.InvalidLines;
import dev.genstream.app.jobs.PromptLines;
import dev.genstream.app.jobs.PromptTopicRange;
import dev.genstream.app.jobs.Recorded;
import dev.genstream.app.jobs.ReplayJob;
import dev.genstream.app.jobs.ReplayReport;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.PromptRequest;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replay", description = {
        "Run recorded prompts again and report what changed: identical / different /",
        "failed, the first differing token, and whether the model fingerprints match.",
        "Each prompt is re-issued as <id>@replay-<run> (a new id, which the service's",
        "once-per-request_id rule accepts) with the recorded seed and the same params.",
        "Exit code: 0 all identical, 2 some different or failed, 1 failure."})
public final class ReplayCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    static final class Source {
        @Option(names = "--from-topic", required = true, paramLabel = "TOPIC", description = "A prompt topic to read a range of")
        String topic;

        @Option(names = "--log", required = true, paramLabel = "FILE.jsonl", description = "A JSONL prompt log (as produce and batch read)")
        Path log;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--since", paramLabel = "OFFSET|INSTANT", description = "With --from-topic: first offset (in every partition) or timestamp (ISO-8601)")
    String since;

    @Option(names = "--until", paramLabel = "OFFSET|INSTANT", description = "With --from-topic: end offset or timestamp, exclusive (default: the end)")
    String until;

    @Option(names = "--recorded", paramLabel = "FILE.jsonl", description = "Recorded answers: a batch --out file or tail --json output")
    Path recordedFile;

    @Option(names = "--recorded-topic", paramLabel = "TOPIC", description = "Recorded completions topic (default: the config's completions topic)")
    String recordedTopic;

    @Option(names = "--model", paramLabel = "ALIAS", description = "Replay against this model alias (default: each request's own)")
    String model;

    @Option(names = "--run", paramLabel = "NAME", description = "Replay run name, part of the derived ids (default: the UTC time); reuse it to resume")
    String run;

    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "The replay's answers, appended (default: replay-<run>.jsonl)")
    Path out;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Also write the report as JSON")
    Path report;

    @Option(names = "--skip-invalid", description = "Replay the valid prompts and report the invalid ones, instead of sending nothing")
    boolean skipInvalid;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up (exit 1) if not all are answered by then (default: wait)")
    Long timeoutSeconds;

    @Option(names = "--progress", negatable = true, description = "Redraw a progress bar (default: when stderr is a terminal)")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        if (source.log != null && (since != null || until != null)) throw new IllegalArgumentException("--since and --until apply to --from-topic only");
        if (recordedFile != null && recordedTopic != null) throw new IllegalArgumentException("give --recorded or --recorded-topic, not both");
        if (run == null) run = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        if (!run.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("--run must be letters, digits, '.', '_' or '-', got '" + run + "'");
        GenstreamConfig c = kafka.load();
        PromptLines lines = new PromptLines(c.getInt(GenstreamConfig.MAX_TOKENS_LIMIT), BatchJob::derivedId);
        PromptLines.Result checked;
        if (source.log != null) {
            try (BufferedReader in = Files.newBufferedReader(source.log, StandardCharsets.UTF_8)) {
                checked = lines.read(in);
            }
        } else {
            checked = fromTopic(c, lines);
        }
        InvalidLines.enforce(checked, skipInvalid, System.err);
        Set<String> ids = checked.valid().stream().map(l -> l.request().getRequestId()).collect(Collectors.toSet());
        Map<String, JsonNode> recorded = recordedFile != null ? Recorded.fromFile(recordedFile, ids)
                : Recorded.fromTopic(c, recordedTopic != null ? recordedTopic : c.get(GenstreamConfig.TOPIC_COMPLETIONS), ids);
        System.err.printf("replay %s: %d prompt(s), %d with a recorded answer%n", run, ids.size(), recorded.size());
        ReplayReport r = new ReplayJob(c, System.err).run(checked.valid(), recorded, run, model,
                out != null ? out : Path.of("replay-" + run + ".jsonl"),
                timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds), progress != null ? progress : BatchProgress.terminal());
        r.print(System.out);
        if (report != null) Files.writeString(report, AvroJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.toJson()) + "\n");
        return r.exitCode();
    }

    /** The topic's records in the range, checked by the same rules as a file's lines (numbered in read order). */
    private PromptLines.Result fromTopic(GenstreamConfig c, PromptLines lines) throws Exception {
        PromptTopicRange.Slice slice = PromptTopicRange.read(c, source.topic, PromptTopicRange.Bound.parse(since, "--since"),
                PromptTopicRange.Bound.parse(until, "--until"));
        slice.undecodable().forEach(u -> System.err.println("not a prompt request, left out: " + u));
        List<PromptLines.Line> valid = new ArrayList<>();
        List<PromptLines.Problem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int n = 0, replays = 0;
        for (PromptRequest r : slice.requests()) {
            n++;
            if (r.getRequestId().contains(ReplayJob.SEPARATOR)) {
                replays++; // an earlier replay's request, not a recorded prompt
                continue;
            }
            if (!seen.add(r.getRequestId())) continue; // a resend; the service answered the first
            List<PromptLines.Problem> mine = new ArrayList<>();
            PromptRequest checked = lines.parse(n, AvroJson.MAPPER.writeValueAsString(AvroJson.record(r)), mine);
            if (mine.isEmpty()) valid.add(new PromptLines.Line(n, checked));
            problems.addAll(mine);
        }
        if (replays > 0) System.err.printf("left out %d earlier replay request(s)%n", replays);
        if (!problems.isEmpty()) System.err.println("(records of " + source.topic + " are numbered as lines, in the order read)");
        return new PromptLines.Result(valid, problems);
    }
}
