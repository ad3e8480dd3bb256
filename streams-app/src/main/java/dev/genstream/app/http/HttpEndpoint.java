package dev.genstream.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready} on the JDK's HTTP server.
 * It answers from the moment it starts, before the model has loaded: live says the process is up, ready waits
 * for {@link #serve(GenstreamApp)} and a RUNNING Kafka Streams client.
 */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String host;
    private volatile GenstreamApp app;
    private ServiceMeters meters;

    private HttpEndpoint(HttpServer server, ExecutorService executor, String host) {
        this.server = server;
        this.executor = executor;
        this.host = host;
    }

    /** Starts the endpoint if {@code genstream.http.port} is set (0 picks a free port); null otherwise. */
    public static HttpEndpoint startIfConfigured(GenstreamConfig c) {
        String port = c.get(GenstreamConfig.HTTP_PORT, "");
        if (port.isBlank()) return null;
        return start(c.get(GenstreamConfig.HTTP_HOST), c.getInt(GenstreamConfig.HTTP_PORT));
    }

    public static HttpEndpoint start(String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + host + ":" + port + " (" + e.getMessage()
                    + "): pick another " + GenstreamConfig.HTTP_PORT, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().name("genstream-http").daemon().unstarted(r));
        server.setExecutor(executor);
        HttpEndpoint endpoint = new HttpEndpoint(server, executor, host);
        server.createContext("/metrics", endpoint::metrics);
        server.createContext("/health/live", endpoint::live);
        server.createContext("/health/ready", endpoint::ready);
        server.start();
        return endpoint;
    }

    /** Binds the service's meters and lets readiness follow its state. */
    public synchronized void serve(GenstreamApp app) {
        if (this.app != null) throw new IllegalStateException("already serving an app");
        meters = new ServiceMeters(registry, app);
        this.app = app;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. http://127.0.0.1:9464 (a wildcard host shows as 127.0.0.1). */
    public String url() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + h + ":" + port();
    }

    private void metrics(HttpExchange x) throws IOException {
        reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    /** Down only once the streams client has failed or stopped: a restart is what helps then. */
    private void live(HttpExchange x) throws IOException {
        GenstreamApp a = app;
        KafkaStreams.State s = a == null ? null : a.streams().state();
        boolean failed = s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.NOT_RUNNING;
        reply(x, failed ? 503 : 200, "text/plain; charset=utf-8", (failed ? "DOWN " : "UP ") + (s == null ? "STARTING" : s) + "\n");
    }

    /** Ready = the model is loaded (the app exists) and Kafka Streams is RUNNING (not rebalancing or restoring). */
    private void ready(HttpExchange x) throws IOException {
        GenstreamApp a = app;
        KafkaStreams.State s = a == null ? null : a.streams().state();
        boolean ready = s == KafkaStreams.State.RUNNING;
        String why = a == null ? "model loading" : "streams " + s;
        reply(x, ready ? 200 : 503, "text/plain; charset=utf-8", (ready ? "READY " : "NOT READY ") + why + "\n");
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        try (x) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(x.getRequestMethod())) {
                x.sendResponseHeaders(status, -1);
            } else {
                x.sendResponseHeaders(status, bytes.length);
                x.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        executor.shutdownNow();
        if (meters != null) meters.close();
        registry.close();
    }
}
