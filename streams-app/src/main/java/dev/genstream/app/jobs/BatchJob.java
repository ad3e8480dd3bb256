package dev.genstream.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSONL file of prompts in, a JSONL file of answers out: check every line, send what is not answered yet,
 * append each completion or dead letter as it arrives, stop when every request has its answer. Re-running with
 * the same output skips the ids already in it and picks up, from the topics' beginnings, what the service
 * finished in between. A DUPLICATE_REQUEST dead letter is not an answer: it means the service already has that
 * request (sent by an interrupted run), whose completion is still to come.
 */
public final class BatchJob {
    /** How a run ended. Exit code: 0 all answered, 2 some dead-lettered, 1 not all answered (timeout). */
    public record Outcome(int total, int completed, int deadLettered, int skipped, boolean timedOut, double sendRate,
                          Map<String, JsonNode> answers) {
        public int exitCode() {
            return timedOut ? 1 : deadLettered > 0 ? 2 : 0;
        }
    }

    private final GenstreamConfig config;
    private final PrintStream err;

    public BatchJob(GenstreamConfig config, PrintStream err) {
        this.config = config;
        this.err = err;
    }

    public Outcome run(Path in, Path out, boolean skipInvalid, Duration timeout, boolean progressBar) throws IOException {
        PromptLines.Result lines;
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            lines = new PromptLines(config.getInt(GenstreamConfig.MAX_TOKENS_LIMIT), BatchJob::derivedId).read(r);
        }
        InvalidLines.enforce(lines, skipInvalid, err);
        return answer(lines.valid(), lines.badLines().size(), out, timeout, progressBar);
    }

    /** Sends the checked {@code lines} not yet answered in {@code out} and appends their answers to it. */
    public Outcome answer(List<PromptLines.Line> lines, int skipped, Path out, Duration timeout, boolean progressBar) throws IOException {
        Map<String, PromptLines.Line> pending = new LinkedHashMap<>();
        lines.forEach(l -> pending.put(l.request().getRequestId(), l));
        int total = pending.size();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Tally tally = new Tally();
        double sendRate = 0;
        Map<String, JsonNode> answered = new LinkedHashMap<>();
        try (ResultsFile results = new ResultsFile(out)) {
            if (results.droppedPartialLine()) err.println("dropped a partial last line of " + out + " (an interrupted write)");
            for (var e : results.answered().entrySet()) {
                if (pending.remove(e.getKey()) != null) tally.count(e.getValue());
            }
            int before = total - pending.size();
            if (before > 0) err.printf("%d of %d request(s) already answered in %s%n", before, total, out);
            try (Answers answers = new Answers(config);
                 BatchProgress progress = new BatchProgress(total, before, progressBar, err)) {
                // Catch up first: answers the service produced while no job was running need no second send.
                while (!answers.caughtUp()) take(answers, pending, results, tally, progress);
                if (!pending.isEmpty()) sendRate = send(pending);
                progress.show();
                while (!pending.isEmpty() && System.nanoTime() < deadline) take(answers, pending, results, tally, progress);
            }
            for (PromptLines.Line l : lines) {
                JsonNode a = results.answered().get(l.request().getRequestId());
                if (a != null) answered.put(l.request().getRequestId(), a);
            }
        }
        boolean timedOut = !pending.isEmpty();
        if (timedOut) err.printf("timed out with %d request(s) unanswered; run again with the same --out to go on waiting%n", pending.size());
        Outcome o = new Outcome(total, tally.completed, tally.deadLettered, skipped, timedOut, sendRate, answered);
        err.printf("batch: %d answered of %d (%d completed, %d dead-lettered), %d line(s) skipped%n",
                o.completed() + o.deadLettered(), total, o.completed(), o.deadLettered(), o.skipped());
        return o;
    }

    private void take(Answers answers, Map<String, PromptLines.Line> pending, ResultsFile results, Tally tally,
                      BatchProgress progress) throws IOException {
        for (Answers.Answer a : answers.poll(Duration.ofMillis(200))) {
            PromptLines.Line line = pending.get(a.requestId());
            if (line == null) continue; // another job's, or answered already
            ObjectNode json;
            if (a.completion() != null) {
                json = AvroJson.of("completion", a.completion());
                progress.tokens(a.completion().getUsage().getCompletionTokens());
            } else if (a.deadLetter().getErrorCode() == ErrorCode.DUPLICATE_REQUEST) {
                continue;
            } else {
                json = AvroJson.of("dead_letter", a.deadLetter());
                json.remove("key");
                json.remove("value");
            }
            json.put("line", line.number());
            results.append(json);
            pending.remove(a.requestId());
            tally.count(json);
            progress.answered(a.completion() == null);
        }
        results.flush();
        progress.refresh();
    }

    private double send(Map<String, PromptLines.Line> pending) {
        long start = System.nanoTime();
        try (PromptSender sender = new PromptSender(config)) {
            for (PromptLines.Line l : pending.values()) sender.send(l.request(), meta -> {});
            sender.flush();
        }
        double s = (System.nanoTime() - start) / 1e9, rate = pending.size() / Math.max(s, 1e-9);
        err.printf("sent %d prompt(s) in %.2f s (%.0f prompts/s)%n", pending.size(), s, rate);
        return rate;
    }

    /** A line without request_id gets one from its number and text, so a re-run sends it under the same id. */
    public static String derivedId(int line, String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((line + "\n" + text).getBytes(StandardCharsets.UTF_8));
            return "line-" + line + "-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Tally {
        int completed, deadLettered;

        void count(JsonNode line) {
            if ("completion".equals(line.path("type").asText())) completed++;
            else deadLettered++;
        }
    }
}
