package dev.genstream.app.cli;

import java.util.Arrays;
import java.util.Locale;

/** bench's figures (tok/s per run) and how they print, as text or as one JSON object. */
record BenchResult(String model, long fileBytes, String kv, int threads, int p, int g, int bsz, double[] pp, double[] tg, double[] bt,
                   long rss, long kvBytes, long bytesPerToken, double bw, MaskBench.Result mask, LlamaCppComparison vsLlamaCpp) {
    /** The warm mask's mean per token over the single-stream decode step (1 / decode tok/s). */
    double maskFraction() {
        return mask.meanMs() / 1e3 * median(tg);
    }

    double fraction() {
        return bw > 0 ? bytesPerToken * median(tg) / bw : 0;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "model: %s (%.2f GB), KV cache %s, threads: %d, medians of %d runs after a warm-up (min-max)%n",
                model, fileBytes / 1e9, kv, threads, pp.length));
        b.append(String.format(Locale.ROOT, "prefill pp%d: %.2f tok/s (%.2f-%.2f)%n", p, median(pp), min(pp), max(pp)));
        b.append(String.format(Locale.ROOT, "decode tg%d: %.2f tok/s (%.2f-%.2f)%n", g, median(tg), min(tg), max(tg)));
        b.append(String.format(Locale.ROOT, "batch %d decode: %.2f tok/s aggregate (%.2f-%.2f), %.2fx single-stream%n",
                bsz, median(bt), min(bt), max(bt), median(bt) / median(tg)));
        b.append(String.format(Locale.ROOT, "peak RSS: %.0f MB (file %.0f MB + KV cache %.0f MB + %.0f MB)",
                rss / 1e6, fileBytes / 1e6, kvBytes / 1e6, (rss - fileBytes - kvBytes) / 1e6));
        if (bw > 0) {
            b.append(String.format(Locale.ROOT, "%nmemory bandwidth: %.2f GB/s; decode reads %.0f MB/token = %.0f%% of it",
                    bw / 1e9, bytesPerToken / 1e6, 100 * fraction()));
        }
        if (mask != null) {
            b.append(String.format(Locale.ROOT, "%ngrammar mask (JSON Schema, vocab %d, %d tokens x %d passes): mean %.3f ms/token (median %.3f, max %.3f), first pass mean %.3f (builds the automaton); mean = %.2f%% of a decode step (%.1f ms)",
                    mask.vocab(), mask.steps(), pp.length, mask.meanMs(), mask.medianMs(), mask.maxMs(), mask.firstPassMs(), 100 * maskFraction(), 1e3 / median(tg)));
        }
        if (vsLlamaCpp != null) b.append(System.lineSeparator()).append(vsLlamaCpp.text());
        return b.toString();
    }

    String json() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"model\":\"").append(model.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        b.append(",\"file_bytes\":").append(fileBytes).append(",\"kv_type\":\"").append(kv).append('"').append(",\"threads\":").append(threads);
        b.append(",\"prompt_tokens\":").append(p).append(",\"gen_tokens\":").append(g).append(",\"batch\":").append(bsz);
        b.append(",\"runs\":").append(pp.length);
        field(b, "prefill_tok_s", median(pp)).append(",\"prefill_runs\":").append(arr(pp));
        field(b, "decode_tok_s", median(tg)).append(",\"decode_runs\":").append(arr(tg));
        field(b, "batch_decode_tok_s", median(bt)).append(",\"batch_decode_runs\":").append(arr(bt));
        field(b, "batch_speedup", median(bt) / median(tg));
        b.append(",\"peak_rss_bytes\":").append(rss).append(",\"kv_cache_bytes\":").append(kvBytes);
        b.append(",\"weight_bytes_per_token\":").append(bytesPerToken);
        if (bw > 0) field(field(b, "membw_bytes_s", bw), "decode_bw_fraction", fraction());
        if (mask != null) {
            field(field(field(field(b, "mask_ms_median", mask.medianMs()), "mask_ms_mean", mask.meanMs()), "mask_ms_max", mask.maxMs()), "mask_ms_first_pass", mask.firstPassMs());
            field(b, "mask_decode_fraction", maskFraction()).append(",\"mask_vocab\":").append(mask.vocab());
        }
        if (vsLlamaCpp != null) b.append(",\"vs_llama_cpp\":").append(vsLlamaCpp.json());
        return b.append('}').toString();
    }

    private static StringBuilder field(StringBuilder b, String name, double v) {
        return b.append(",\"").append(name).append("\":").append(String.format(Locale.ROOT, "%.4g", v));
    }

    private static String arr(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.4g", v[i]));
        return b.append(']').toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
