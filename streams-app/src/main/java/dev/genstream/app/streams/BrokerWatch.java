package dev.genstream.app.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks Kafka every few seconds whether it answers, so that losing the broker while running is one line that says
 * what happens and what to check, and its return is another, instead of silence (the clients retry quietly) or a
 * flood of retry warnings.
 */
final class BrokerWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BrokerWatch.class.getName());

    private final Admin admin;
    private final String bootstrap;
    private final int timeoutMs;
    private final ScheduledExecutorService timer;
    private long downSince; // touched by the timer thread only

    private BrokerWatch(Admin admin, String bootstrap, int timeoutMs) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.timeoutMs = timeoutMs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "genstream-broker-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Probes every {@code every}; a probe that gets no answer within {@code timeout} counts as unreachable. */
    static BrokerWatch start(GenstreamConfig c, Duration every, Duration timeout) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.keySet().retainAll(AdminClientConfig.configNames()); // the connection and security settings
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, c.get("application.id") + "-broker-watch");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        BrokerWatch w = new BrokerWatch(Admin.create(props), c.get("bootstrap.servers"), (int) timeout.toMillis());
        w.timer.scheduleWithFixedDelay(w::probe, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            if (downSince != 0) {
                LOG.info(String.format("Kafka at %s answers again after %.1f s: processing resumes from the last commit "
                        + "(requests in flight continue after their last committed token)", bootstrap, (System.currentTimeMillis() - downSince) / 1000.0));
                downSince = 0;
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            if (downSince == 0) {
                downSince = System.currentTimeMillis();
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                LOG.warning("Kafka is not reachable at " + bootstrap + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                        + "): nothing is committed until it answers, then work resumes from the last commit with nothing lost "
                        + "or repeated; check that the brokers are up and bootstrap.servers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.fine(() -> "broker probe failed: " + e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ZERO); // nothing to finish: a probe is only a question
    }
}
