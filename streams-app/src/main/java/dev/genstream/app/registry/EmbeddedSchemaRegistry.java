package dev.genstream.app.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An in-process schema registry on 127.0.0.1 for demos and tests on a machine without one. It serves the part of
 * the Confluent REST API that {@link SchemaRegistryClient} uses, keeps everything in memory, and checks
 * compatibility like Confluent (default BACKWARD). Not for production: nothing survives {@link #close()}.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final RegistryState state = new RegistryState();
    private final AtomicLong requests = new AtomicLong();
    private SSLContext tls;
    private boolean needClientAuth;
    private String expectedAuthorization;
    private HttpServer server;
    private ExecutorService executor;

    /** Serve HTTPS with this context, optionally demanding a client certificate (call before {@link #start()}). */
    public EmbeddedSchemaRegistry withTls(SSLContext context, boolean requireClientCertificate) {
        this.tls = context;
        this.needClientAuth = requireClientCertificate;
        return this;
    }

    /** Require HTTP basic auth with these credentials (call before {@link #start()}). */
    public EmbeddedSchemaRegistry withBasicAuth(String user, String password) {
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public synchronized EmbeddedSchemaRegistry start() {
        if (server != null) return this;
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (tls != null) {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters p = getSSLContext().getDefaultSSLParameters();
                        p.setNeedClientAuth(needClientAuth);
                        params.setSSLParameters(p);
                    }
                });
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded schema registry", e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "embedded-schema-registry");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}, for {@code schema.registry.url}. */
    public String url() {
        if (server == null) throw new IllegalStateException("not started");
        return (tls != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests served so far. */
    public long requestCount() {
        return requests.get();
    }

    @Override
    public synchronized void close() {
        if (server == null) return;
        server.stop(0);
        executor.shutdownNow();
        server = null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            RegistryState.Reply reply;
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply = RegistryState.Reply.error(401, 40101, "Unauthorized");
            } else {
                reply = route(exchange);
            }
            byte[] body = json.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", RegistryHttp.CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private RegistryState.Reply route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> p = segments(exchange.getRequestURI().getRawPath());
        JsonNode body = "GET".equals(method) ? null : readBody(exchange);
        if ((method.equals("POST") || method.equals("PUT")) && body == null) {
            return RegistryState.Reply.error(422, 422, "request body is not JSON");
        }
        String schema = body != null && body.hasNonNull("schema") ? body.get("schema").asText() : null;
        String route = method + " " + shape(p);
        return switch (route) {
            case "GET subjects" -> state.subjects();
            case "POST subjects/*/versions" -> state.register(p.get(1), schema);
            case "POST subjects/*" -> state.lookup(p.get(1), schema);
            case "GET subjects/*/versions" -> state.versions(p.get(1));
            case "GET subjects/*/versions/*" -> state.version(p.get(1), p.get(3));
            case "GET schemas/ids/*" -> state.schemaById(p.get(2));
            case "POST compatibility/subjects/*/versions/*" -> state.compatible(p.get(2), p.get(4), schema);
            case "GET config" -> state.config(null);
            case "GET config/*" -> state.config(p.get(1));
            case "PUT config" -> state.setConfig(null, body.path("compatibility").asText(null));
            case "PUT config/*" -> state.setConfig(p.get(1), body.path("compatibility").asText(null));
            default -> RegistryState.Reply.error(404, 404, "no such endpoint: " + method + " "
                    + exchange.getRequestURI().getPath());
        };
    }

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        if (bytes.length == 0) return null;
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The path with its variable parts (subject, id, version) replaced by '*', for the route switch. */
    private static String shape(List<String> p) {
        String[] s = p.toArray(String[]::new);
        for (int i = 0; i < s.length; i++) {
            boolean variable = i > 0 && switch (s[0]) {
                case "subjects", "config" -> i == 1 || i == 3;
                case "schemas" -> i == 2;
                case "compatibility" -> i == 2 || i == 4;
                default -> false;
            };
            if (variable) s[i] = "*";
        }
        return String.join("/", Arrays.asList(s));
    }
}
