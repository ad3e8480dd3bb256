package dev.genstream.app.cli;

import dev.genstream.app.registry.RegistryConfig;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.app.registry.SchemaRegistryException;
import dev.genstream.app.streams.GenstreamConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Before a command starts work: is Kafka there, is the registry there? Each answers within
 * {@code genstream.startup.timeout.ms} (default 15 s) or fails with one line naming the address and what to try,
 * instead of a client that retries in silence for a minute.
 */
public final class Preflight {
    /** A start-up check failed; the message is the whole story (no stack trace needed). */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private Preflight() {}

    public static void check(GenstreamConfig c) {
        long timeoutMs = c.getLong(GenstreamConfig.STARTUP_TIMEOUT_MS);
        kafka(c, timeoutMs);
        registry(c, timeoutMs);
    }

    static void kafka(GenstreamConfig c, long timeoutMs) {
        String bootstrap = c.get("bootstrap.servers");
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 10_000));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "genstream-preflight");
        String hint = "check bootstrap.servers, the listener's security settings and that the broker is up";
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Unreachable("Kafka is not reachable at " + bootstrap + " (no answer within " + seconds(timeoutMs) + "): " + hint);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                throw new Unreachable("Kafka at " + bootstrap + " refused us: " + cause.getMessage() + ": check sasl.jaas.config and the credentials");
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new Unreachable("Kafka is not reachable at " + bootstrap + " (no answer within " + seconds(timeoutMs) + "): " + hint);
            }
            throw new Unreachable("Kafka at " + bootstrap + " failed: " + cause.getMessage() + ": " + hint);
        } catch (KafkaException e) { // e.g. no resolvable bootstrap address
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw new Unreachable("Kafka is not reachable at " + bootstrap + " (" + root.getMessage() + "): " + hint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while connecting to Kafka at " + bootstrap);
        }
    }

    static void registry(GenstreamConfig c, long timeoutMs) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put(RegistryConfig.CONNECT_TIMEOUT_MS, Long.toString(timeoutMs));
        props.put(RegistryConfig.READ_TIMEOUT_MS, Long.toString(timeoutMs));
        String url = c.get(RegistryConfig.URL);
        try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(props)) {
            client.getCompatibility(c.get(GenstreamConfig.TOPIC_PROMPTS) + "-value");
        } catch (SchemaRegistryException e) {
            if (e.status() == SchemaRegistryException.UNREACHABLE) {
                throw new Unreachable("schema registry is not reachable at " + url + " (" + rootMessage(e)
                        + "): check schema.registry.url and that the registry is up");
            }
            if (e.status() == 401 || e.status() == 403) {
                throw new Unreachable("schema registry at " + url + " refused us (HTTP " + e.status()
                        + "): check basic.auth.credentials.source and basic.auth.user.info");
            }
            // Any other answer (e.g. 404 for a subject with no config) proves a registry is there.
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
