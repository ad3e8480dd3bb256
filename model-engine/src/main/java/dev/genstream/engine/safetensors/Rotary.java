package dev.genstream.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * config.json's rotary settings: {@code rope_parameters} (transformers 5) or {@code rope_theta}/{@code rope_scaling}
 * (4.x). Llama-3 scaling becomes the per-frequency divisors llama.cpp's converter writes as {@code rope_freqs.weight}.
 */
final class Rotary {
    private Rotary() {}

    static double theta(JsonNode c) {
        JsonNode p = c.path("rope_parameters").path("rope_theta");
        return p.isNumber() ? p.asDouble() : c.path("rope_theta").asDouble(10000.0);
    }

    /** The scaling parameters, or a missing node for plain RoPE. */
    private static JsonNode scaling(JsonNode c) {
        for (JsonNode s : new JsonNode[] {c.path("rope_parameters"), c.path("rope_scaling")}) {
            String type = type(s);
            if (!type.isEmpty() && !type.equals("default")) return s;
        }
        return MissingNode.getInstance();
    }

    private static String type(JsonNode s) {
        return s.isObject() ? s.path("rope_type").asText(s.path("type").asText("")) : "";
    }

    /** Frequency divisors for {@code dims} rotary dimensions, or null when the model scales none. */
    static float[] freqFactors(JsonNode c, int dims) {
        JsonNode s = scaling(c);
        if (s.isMissingNode()) return null;
        String type = type(s);
        if (!type.equals("llama3")) {
            throw new CheckpointFormatException("config.json: rope scaling '" + type + "' is not supported (supported: llama3)");
        }
        double factor = s.path("factor").asDouble(8.0);
        double low = s.path("low_freq_factor").asDouble(1.0);
        double high = s.path("high_freq_factor").asDouble(4.0);
        double oldContext = s.path("original_max_position_embeddings").asDouble(8192);
        double lowWavelen = oldContext / low, highWavelen = oldContext / high;
        double theta = theta(c);
        float[] f = new float[dims / 2];
        for (int i = 0; i < f.length; i++) {
            double wavelen = 2 * Math.PI * Math.pow(theta, 2.0 * i / dims);
            if (wavelen < highWavelen) {
                f[i] = 1f;
            } else if (wavelen > lowWavelen) {
                f[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - low) / (high - low);
                f[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return f;
    }
}
