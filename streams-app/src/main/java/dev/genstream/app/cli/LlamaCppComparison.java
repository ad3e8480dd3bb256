package dev.genstream.app.cli;

import static dev.genstream.app.cli.BenchResult.max;
import static dev.genstream.app.cli.BenchResult.median;
import static dev.genstream.app.cli.BenchResult.min;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * bench's figures against llama.cpp's from the same run, as ratios (median over median), each with issue 16's
 * target where the run has the target's shape (prefill at pp512, aggregate decode of 8 sequences), and peak RSS
 * against file + KV cache + 300 MB.
 */
record LlamaCppComparison(String bench, String build, int threads, int runs, List<Row> rows, long rss, long rssTarget) {
    static final long RSS_ALLOWANCE = 300_000_000L;
    /** llama_ftype MOSTLY_Q4_K_M: its decode target is 0.9x rather than 1.0x. */
    static final int FTYPE_Q4_K_M = 15;

    /** One measure: tok/s per run on both sides; target NaN where it does not apply (why in note). */
    record Row(String measure, double[] ours, double[] theirs, double target, String note) {
        double ratio() {
            return median(ours) / median(theirs);
        }

        boolean hasTarget() {
            return !Double.isNaN(target);
        }

        boolean met() {
            return ratio() >= target;
        }
    }

    static LlamaCppComparison of(LlamaCppBench.Settings s, String bench, int fileType, double[] pp, double[] tg, double[] bt,
                                 List<LlamaCppBench.Sample> theirs, long rss, long fileBytes, long kvBytes) {
        int p = s.promptTokens(), g = s.genTokens(), b = s.batch();
        boolean q4km = fileType == FTYPE_Q4_K_M;
        double[] lpp = theirs.stream().mapToDouble(LlamaCppBench.Sample::prefill).toArray();
        double[] ltg = theirs.stream().mapToDouble(LlamaCppBench.Sample::decode).toArray();
        double[] lbt = theirs.stream().mapToDouble(LlamaCppBench.Sample::batchDecode).toArray();
        List<Row> rows = List.of(
                new Row("prefill pp" + p, pp, lpp, p == 512 ? 0.75 : Double.NaN, "target at pp512"),
                new Row((q4km ? "Q4_K_M " : "") + "decode tg" + g, tg, ltg, q4km ? 0.9 : 1.0, ""),
                new Row("aggregate decode, " + b + " sequences (batched-bench npp " + p + ")", bt, lbt, b == 8 ? 1.0 : Double.NaN, "target at 8 sequences"));
        String build = theirs.isEmpty() ? "?" : theirs.get(0).build();
        return new LlamaCppComparison(bench, build, s.threads(), pp.length, rows, rss, fileBytes + kvBytes + RSS_ALLOWANCE);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "vs llama.cpp %s (%s), same file, %d threads, alternating runs, medians of %d (min-max), tok/s:%n",
                build, bench, threads, runs));
        b.append("| measure | genstream | llama.cpp | ratio | target |").append(System.lineSeparator());
        b.append("|---|---|---|---|---|").append(System.lineSeparator());
        for (Row r : rows) {
            String target = r.hasTarget() ? String.format(Locale.ROOT, ">= %.2fx: %s", r.target(), r.met() ? "met" : "MISSED") : "(" + r.note() + ")";
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2fx | %s |%n", r.measure(), figure(r.ours()), figure(r.theirs()), r.ratio(), target));
        }
        b.append(String.format(Locale.ROOT, "peak RSS: %.0f MB, target <= file + KV cache + 300 MB = %.0f MB: %s",
                rss / 1e6, rssTarget / 1e6, rss <= rssTarget ? "met" : "MISSED"));
        return b.toString();
    }

    private static String figure(double[] v) {
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", median(v), min(v), max(v));
    }

    String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("llama_bench", bench).put("build", build).put("threads", threads).put("runs", runs);
        ArrayNode measures = o.putArray("measures");
        for (Row r : rows) {
            ObjectNode n = measures.addObject().put("measure", r.measure());
            n.put("genstream_tok_s", median(r.ours())).set("genstream_runs", runs(m, r.ours()));
            n.put("llama_cpp_tok_s", median(r.theirs())).set("llama_cpp_runs", runs(m, r.theirs()));
            n.put("ratio", r.ratio());
            if (r.hasTarget()) n.put("target", r.target()).put("met", r.met());
        }
        o.put("peak_rss_bytes", rss).put("peak_rss_target_bytes", rssTarget).put("peak_rss_met", rss <= rssTarget);
        return o.toString();
    }

    private static ArrayNode runs(ObjectMapper m, double[] v) {
        ArrayNode a = m.createArrayNode();
        for (double x : v) a.add(x);
        return a;
    }
}
