package dev.genstream.app.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.genstream.app.streams.GenstreamConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenAI-compatible HTTP front door: {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/models},
 * and the chat page at {@code /}. Checks, in order: CORS preflight, API key (401), body size (413), rate (429).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    private final GatewaySettings settings;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Replies replies;
    private final CompletionCalls calls;
    private final TokenBuckets buckets;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final byte[] page;

    private Gateway(GenstreamConfig c, GatewaySettings s) throws IOException {
        this.settings = s;
        this.page = readPage();
        this.replies = new Replies(c, s.instance(), s.instances(), Duration.ofSeconds(60));
        this.calls = new CompletionCalls(c, mapper, replies, s);
        this.buckets = new TokenBuckets(s.ratePerSecond(), s.rateBurst());
        this.server = HttpServer.create(new InetSocketAddress(s.host(), s.port()), 128);
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** Starts a gateway on {@code genstream.gateway.*}; it reads only its own partitions of the answer topics. */
    public static Gateway start(GenstreamConfig c) throws IOException {
        return new Gateway(c, GatewaySettings.from(c));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    Replies replies() {
        return replies;
    }

    public String url() {
        return "http://" + settings.host() + ":" + port() + "/";
    }

    private void serve(HttpExchange ex) {
        try (ex) {
            try {
                route(ex);
            } catch (ApiError e) {
                sendJson(ex, mapper, e.status(), e.json(mapper));
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "gateway: client connection failed", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "gateway: request failed", e);
            if (ex.getResponseCode() == -1) {
                try {
                    sendJson(ex, mapper, 500, new ApiError(500, "server_error", null, null, "internal error: " + e).json(mapper));
                } catch (IOException ignored) {
                    // the client is gone
                }
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
        boolean api = path.startsWith("/v1/") || path.startsWith("/genstream/");
        if (cors(ex, api)) return;
        if (!api) {
            if (!path.equals("/") && !path.equals("/index.html")) throw new ApiError(404, "invalid_request_error", null, "not_found", "no such page: " + path);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            return;
        }
        String key = authenticate(ex);
        switch (path) {
            case "/v1/models" -> {
                allow(method, "GET");
                ObjectNode list = mapper.createObjectNode().put("object", "list");
                var data = list.putArray("data");
                for (String m : settings.models()) data.addObject().put("id", m).put("object", "model").put("created", 0).put("owned_by", "genstream");
                sendJson(ex, mapper, 200, list);
            }
            case "/v1/chat/completions", "/v1/completions" -> {
                allow(method, "POST");
                JsonNode body = body(ex);
                long wait = buckets.take(key != null ? "key:" + key : "ip:" + ex.getRemoteAddress().getAddress().getHostAddress(), System.nanoTime());
                if (wait > 0) ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
                if (wait > 0) throw new ApiError(429, "requests", null, "rate_limit_exceeded", "Rate limit reached; retry after " + wait + " s");
                calls.handle(ex, body, path.equals("/v1/chat/completions"));
            }
            default -> {
                if (!path.startsWith("/genstream/requests/")) {
                    throw new ApiError(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: " + method + " " + path);
                }
                allow(method, "GET");
                JsonNode record = calls.record(path.substring("/genstream/requests/".length()));
                if (record == null) throw new ApiError(404, "invalid_request_error", null, "not_found", "no recent request of this gateway has that id");
                sendJson(ex, mapper, 200, record);
            }
        }
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) throw new ApiError(405, "invalid_request_error", null, "method_not_allowed", "use " + allowed);
    }

    /** The key used, or null when no keys are configured. */
    private String authenticate(HttpExchange ex) {
        if (settings.apiKeys().isEmpty()) return null;
        String h = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("Authorization"), "");
        String given = h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : "";
        for (String k : settings.apiKeys()) {
            if (MessageDigest.isEqual(k.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) return k;
        }
        throw new ApiError(401, "invalid_request_error", null, "invalid_api_key",
                given.isEmpty() ? "Missing API key: send Authorization: Bearer <key>" : "Incorrect API key provided");
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        int max = settings.maxBodyBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > max) throw tooLarge(max);
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(max + 1);
        }
        if (bytes.length > max) throw tooLarge(max);
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large", "The request body exceeds " + max + " bytes");
    }

    /** Adds CORS headers for an allowed origin; answers a preflight. True when the exchange is answered. */
    private boolean cors(HttpExchange ex, boolean api) throws IOException {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        boolean allowed = origin != null && (settings.corsOrigins().contains("*") || settings.corsOrigins().contains(origin));
        if (allowed) {
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", settings.corsOrigins().contains("*") ? "*" : origin);
            ex.getResponseHeaders().set("Vary", "Origin");
        }
        if (!api || !ex.getRequestMethod().equals("OPTIONS")) return false;
        if (allowed) {
            ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            ex.getResponseHeaders().set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Conversation-Id");
            ex.getResponseHeaders().set("Access-Control-Max-Age", "600");
        }
        ex.sendResponseHeaders(allowed ? 204 : 403, -1);
        return true;
    }

    static void sendJson(HttpExchange ex, ObjectMapper mapper, int status, JsonNode json) throws IOException {
        byte[] b = mapper.writeValueAsBytes(json);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static byte[] readPage() throws IOException {
        try (InputStream in = Gateway.class.getResourceAsStream("chat.html")) {
            if (in == null) throw new IllegalStateException("the chat page is missing from the jar");
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        calls.close();
        replies.close();
    }
}
