package dev.genstream.app.streams;

import java.util.logging.Logger;

/**
 * Whether the schema registry answers, as the service finds out when it needs it (a schema id it has not cached,
 * an avro_subject): one line when records start waiting for it, one when it answers again, however many records
 * and stream threads are involved. Also when waiting records are retried: after {@code retryMs}, doubling while the
 * registry stays down, up to {@value #MAX_BACKOFF_FACTOR} times that. Shared by every task of the app.
 */
public final class RegistryStatus {
    private static final Logger LOG = Logger.getLogger(RegistryStatus.class.getName());

    static final int MAX_BACKOFF_FACTOR = 5;

    private final String url;
    private final long retryMs;
    private long downSince; // 0 while the registry answers
    private long delayMs;
    private long nextAttempt;

    public RegistryStatus(String url, long retryMs) {
        this.url = url;
        this.retryMs = retryMs;
    }

    static RegistryStatus of(GenstreamConfig c) {
        return new RegistryStatus(c.get("schema.registry.url"), c.getLong(GenstreamConfig.REGISTRY_RETRY_MS));
    }

    public long retryMs() {
        return retryMs;
    }

    /** Whether waiting records should be tried again now. */
    public synchronized boolean due(long now) {
        return now >= nextAttempt;
    }

    /** A record waits for the registry; {@code why} is the failure. The first of an outage is logged. */
    public synchronized void unavailable(String why) {
        long now = System.currentTimeMillis();
        if (downSince == 0) {
            downSince = now;
            delayMs = retryMs;
            LOG.warning("schema registry unreachable at " + url + " (" + why + "): records that need it wait and are retried every "
                    + retryMs + " ms and then less often, the rest go on; nothing is dead-lettered for this. Check that the registry is up and "
                    + "schema.registry.url");
        } else if (now >= nextAttempt) { // a due retry failed too: back off
            delayMs = Math.min(delayMs * 2, retryMs * MAX_BACKOFF_FACTOR);
        }
        nextAttempt = now + delayMs;
    }

    /** A waiting record was served: the registry answers again. */
    public synchronized void available() {
        if (downSince != 0) {
            LOG.info(String.format("schema registry at %s answers again after %.1f s: the records that waited are being processed",
                    url, (System.currentTimeMillis() - downSince) / 1000.0));
        }
        downSince = 0;
        nextAttempt = 0;
    }
}
