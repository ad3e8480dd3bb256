package dev.genstream.app.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per API key (or per client address without keys): {@code rate} requests a second, {@code burst} at once. */
final class TokenBuckets {
    private record Bucket(double tokens, long atNanos) {}

    private final double rate;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    TokenBuckets(double ratePerSecond, int burst) {
        this.rate = ratePerSecond;
        this.burst = burst;
    }

    boolean enabled() {
        return rate > 0;
    }

    /** 0 when a request may go now (and takes its token); else the whole seconds to wait. */
    long take(String who, long nowNanos) {
        if (!enabled()) return 0;
        long[] wait = new long[1];
        buckets.compute(who, (k, b) -> {
            double tokens = b == null ? burst : Math.min(burst, b.tokens + (nowNanos - b.atNanos) / 1e9 * rate);
            if (tokens >= 1) return new Bucket(tokens - 1, nowNanos);
            wait[0] = Math.max(1, (long) Math.ceil((1 - tokens) / rate));
            return new Bucket(tokens, nowNanos);
        });
        if (buckets.size() > 10_000) forgetFull(nowNanos);
        return wait[0];
    }

    /** Drops buckets that have refilled: they equal a new one, so the map holds only recent callers. */
    private void forgetFull(long nowNanos) {
        buckets.entrySet().removeIf(e -> e.getValue().tokens + (nowNanos - e.getValue().atNanos) / 1e9 * rate >= burst);
    }
}
