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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * compatibility like Confluent (default BACKWARD). Not for production. State lives in memory, and survives
 * {@link #close()} only with a {@link #withJournal journal}: each change is appended as a JSON line and replayed
 * on the next start, so schema ids stay the ids already written into topics.
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
    private Path journal;

    /** Keep registrations and compatibility settings in this file across restarts (call before {@link #start()}). */
    public EmbeddedSchemaRegistry withJournal(Path file) {
        this.journal = file;
        return this;
    }

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
        return start(0);
    }

    /** Starts on this loopback port (0: any free one). */
    public synchronized EmbeddedSchemaRegistry start(int port) {
        if (server != null) return this;
        if (journal != null) replay();
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
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
            case "POST subjects/*/versions" -> register(p.get(1), schema);
            case "POST subjects/*" -> state.lookup(p.get(1), schema);
            case "GET subjects/*/versions" -> state.versions(p.get(1));
            case "GET subjects/*/versions/*" -> state.version(p.get(1), p.get(3));
            case "GET schemas/ids/*" -> state.schemaById(p.get(2));
            case "POST compatibility/subjects/*/versions/*" -> state.compatible(p.get(2), p.get(4), schema);
            case "GET config" -> state.config(null);
            case "GET config/*" -> state.config(p.get(1));
            case "PUT config" -> setConfig(null, body.path("compatibility").asText(null));
            case "PUT config/*" -> setConfig(p.get(1), body.path("compatibility").asText(null));
            default -> RegistryState.Reply.error(404, 404, "no such endpoint: " + method + " "
                    + exchange.getRequestURI().getPath());
        };
    }

    private RegistryState.Reply register(String subject, String schema) {
        synchronized (state) {
            boolean known = schema != null && state.lookup(subject, schema).status() == 200;
            RegistryState.Reply r = state.register(subject, schema);
            if (r.status() == 200 && !known) append(RegistryState.object("op", "register", "subject", subject, "schema", schema));
            return r;
        }
    }

    private RegistryState.Reply setConfig(String subject, String level) {
        synchronized (state) {
            RegistryState.Reply r = state.setConfig(subject, level);
            if (r.status() == 200) append(RegistryState.object("op", "config", "subject", subject, "level", level));
            return r;
        }
    }

    private void append(Object change) {
        if (journal == null) return;
        try {
            Files.writeString(journal, json.writeValueAsString(change) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the registry journal " + journal, e);
        }
    }

    /** Re-applies the journal's changes in order; ids come out as before because they are assigned in order. */
    private void replay() {
        try {
            if (journal.getParent() != null) Files.createDirectories(journal.getParent());
            if (!Files.exists(journal)) return;
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode change = json.readTree(line);
                String subject = change.path("subject").isNull() ? null : change.path("subject").asText(null);
                RegistryState.Reply r = switch (change.path("op").asText()) {
                    case "register" -> state.register(subject, change.path("schema").asText());
                    case "config" -> state.setConfig(subject, change.path("level").asText());
                    default -> RegistryState.Reply.error(500, 500, "unknown change " + line);
                };
                if (r.status() != 200) throw new IllegalStateException("registry journal " + journal + " does not replay: " + line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the registry journal " + journal, e);
        }
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
