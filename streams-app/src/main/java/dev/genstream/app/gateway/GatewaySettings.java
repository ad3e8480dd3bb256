package dev.genstream.app.gateway;

import dev.genstream.app.streams.GenstreamConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The gateway's {@code genstream.gateway.*} keys, read once and checked. */
public record GatewaySettings(String host, int port, Set<String> apiKeys, double ratePerSecond, int rateBurst,
                              int maxBodyBytes, List<String> corsOrigins, int instance, int instances, long timeoutMs,
                              List<String> models) {
    public static GatewaySettings from(GenstreamConfig c) {
        GatewaySettings s = new GatewaySettings(
                c.get(GenstreamConfig.GATEWAY_HOST, "127.0.0.1"),
                intOf(c, GenstreamConfig.GATEWAY_PORT, "8080"),
                Set.copyOf(list(c.get(GenstreamConfig.GATEWAY_API_KEYS, ""))),
                doubleOf(c, GenstreamConfig.GATEWAY_RATE_PER_SECOND, "0"),
                intOf(c, GenstreamConfig.GATEWAY_RATE_BURST, "10"),
                intOf(c, GenstreamConfig.GATEWAY_MAX_BODY_BYTES, Integer.toString(1 << 20)),
                list(c.get(GenstreamConfig.GATEWAY_CORS_ORIGINS, "")),
                intOf(c, GenstreamConfig.GATEWAY_INSTANCE, "0"),
                intOf(c, GenstreamConfig.GATEWAY_INSTANCES, "1"),
                intOf(c, GenstreamConfig.GATEWAY_TIMEOUT_MS, "600000"),
                list(c.get(GenstreamConfig.MODEL_ALIAS)));
        if (s.instances < 1 || s.instance < 0 || s.instance >= s.instances) {
            throw new IllegalArgumentException(GenstreamConfig.GATEWAY_INSTANCE + " must be in [0, " + GenstreamConfig.GATEWAY_INSTANCES
                    + "), got " + s.instance + " of " + s.instances);
        }
        if (s.ratePerSecond < 0 || s.rateBurst < 1) {
            throw new IllegalArgumentException(GenstreamConfig.GATEWAY_RATE_PER_SECOND + " must be >= 0 and " + GenstreamConfig.GATEWAY_RATE_BURST + " >= 1");
        }
        if (s.timeoutMs < 1) throw new IllegalArgumentException(GenstreamConfig.GATEWAY_TIMEOUT_MS + " must be at least 1");
        if (s.maxBodyBytes < 1) throw new IllegalArgumentException(GenstreamConfig.GATEWAY_MAX_BODY_BYTES + " must be at least 1");
        return s;
    }

    private static int intOf(GenstreamConfig c, String key, String fallback) {
        String v = c.get(key, fallback);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }

    private static double doubleOf(GenstreamConfig c, String key, String fallback) {
        String v = c.get(key, fallback);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toList());
    }
}
