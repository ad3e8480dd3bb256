package dev.genstream.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A replay's outcome: each request's recorded answer against its replayed one. Identical means the same token
 * ids (the same text when either side has no ids); otherwise the first token index where they part is reported.
 */
public final class ReplayReport {
    public enum Status { identical, different, failed }

    /** One request: {@code firstDifference} counts tokens, or characters when {@code unit} is "char". */
    public record Comparison(String requestId, String replayId, Status status, Integer firstDifference, String unit,
                             String recordedText, String replayText, String reason) {}

    private final String run;
    private final List<Comparison> comparisons = new ArrayList<>();
    private final Set<String> recordedFingerprints = new TreeSet<>(), replayFingerprints = new TreeSet<>();

    public ReplayReport(String run) {
        this.run = run;
    }

    public void add(String id, String replayId, JsonNode recorded, JsonNode replayed) {
        if (recorded == null || !isCompletion(recorded)) {
            comparisons.add(new Comparison(id, replayId, Status.failed, null, null, null, text(replayed),
                    recorded == null ? "no recorded completion" : "recorded a dead letter: " + recorded.path("reason").asText()));
            return;
        }
        recordedFingerprints.add(recorded.path("model_fingerprint").asText());
        if (replayed == null || !isCompletion(replayed)) {
            comparisons.add(new Comparison(id, replayId, Status.failed, null, null, text(recorded), null,
                    replayed == null ? "no answer to the replay" : "replay dead-lettered: " + replayed.path("error_code").asText() + " " + replayed.path("reason").asText()));
            return;
        }
        replayFingerprints.add(replayed.path("model_fingerprint").asText());
        JsonNode a = recorded.path("token_ids"), b = replayed.path("token_ids");
        Integer diff;
        String unit;
        if (a.size() > 0 && b.size() > 0) {
            diff = firstDifference(a, b);
            unit = "token";
        } else {
            diff = firstDifference(text(recorded), text(replayed));
            unit = "char";
        }
        if (diff == null && !text(recorded).equals(text(replayed))) diff = firstDifference(text(recorded), text(replayed));
        comparisons.add(new Comparison(id, replayId, diff == null ? Status.identical : Status.different, diff, diff == null ? null : unit,
                text(recorded), text(replayed), null));
    }

    public long count(Status s) {
        return comparisons.stream().filter(c -> c.status() == s).count();
    }

    public List<Comparison> comparisons() {
        return comparisons;
    }

    /** Whether every compared pair ran on the same weights (both sides' fingerprints are one and the same). */
    public boolean fingerprintsMatch() {
        return recordedFingerprints.size() <= 1 && recordedFingerprints.equals(replayFingerprints);
    }

    public int exitCode() {
        return count(Status.identical) == comparisons.size() ? 0 : 2;
    }

    public void print(PrintStream out) {
        out.printf("replay %s: %d request(s): %d identical, %d different, %d failed%n", run, comparisons.size(),
                count(Status.identical), count(Status.different), count(Status.failed));
        out.printf("model fingerprints: %s (recorded %s, replay %s)%n", fingerprintsMatch() ? "match" : "MISMATCH",
                short12(recordedFingerprints), short12(replayFingerprints));
        for (Comparison c : comparisons) {
            if (c.status() == Status.different) {
                out.printf("different %s (%s): first differing %s at index %d%n  recorded: %s%n  replay:   %s%n", c.requestId(), c.replayId(),
                        c.unit(), c.firstDifference(), quote(c.recordedText()), quote(c.replayText()));
            } else if (c.status() == Status.failed) {
                out.printf("failed    %s (%s): %s%n", c.requestId(), c.replayId(), c.reason());
            }
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = AvroJson.MAPPER.createObjectNode().put("run", run).put("total", comparisons.size())
                .put("identical", count(Status.identical)).put("different", count(Status.different)).put("failed", count(Status.failed))
                .put("fingerprint_match", fingerprintsMatch());
        recordedFingerprints.forEach(o.putArray("recorded_fingerprints")::add);
        replayFingerprints.forEach(o.putArray("replay_fingerprints")::add);
        ArrayNode rs = o.putArray("requests");
        for (Comparison c : comparisons) {
            ObjectNode r = rs.addObject().put("request_id", c.requestId()).put("replay_id", c.replayId()).put("status", c.status().name());
            if (c.firstDifference() != null) r.put("first_difference", c.firstDifference()).put("unit", c.unit());
            if (c.status() != Status.identical) r.put("recorded_text", c.recordedText()).put("replay_text", c.replayText());
            if (c.reason() != null) r.put("reason", c.reason());
        }
        return o;
    }

    private static boolean isCompletion(JsonNode n) {
        return n.path("type").asText("completion").equals("completion") && n.has("text");
    }

    private static String text(JsonNode n) {
        return n == null ? null : n.path("text").asText();
    }

    private static Integer firstDifference(JsonNode a, JsonNode b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) if (a.get(i).asInt() != b.get(i).asInt()) return i;
        return a.size() == b.size() ? null : n;
    }

    private static Integer firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) if (a.charAt(i) != b.charAt(i)) return i;
        return a.length() == b.length() ? null : n;
    }

    private static String short12(Set<String> fingerprints) {
        return fingerprints.stream().map(f -> f.length() > 12 ? f.substring(0, 12) : f).toList().toString();
    }

    private static String quote(String s) {
        return s == null ? "-" : '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }
}
