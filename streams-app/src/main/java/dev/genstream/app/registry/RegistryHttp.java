package dev.genstream.app.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JSON over HTTP to the first registry URL that answers. A connection failure moves on to the next URL and
 * later calls start from the one that worked; an HTTP error status is the registry's answer and is not retried.
 */
final class RegistryHttp implements AutoCloseable {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";

    private final ObjectMapper json = new ObjectMapper();
    private final List<URI> urls;
    private final HttpClient http;
    private final String authorization;
    private final RegistryConfig config;
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();

    RegistryHttp(RegistryConfig config) {
        this.config = config;
        this.urls = config.urls();
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance with registries behind proxies
                .connectTimeout(config.connectTimeout());
        if (config.ssl().configured()) b.sslContext(SslContexts.create(config.ssl()));
        this.http = b.build();
        this.authorization = config.userInfo() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8));
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode send(String method, String path, Object body) {
        byte[] payload;
        try {
            payload = body == null ? null : json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode request body", e);
        }
        int start = current.get();
        IOException last = null;
        for (int i = 0; i < urls.size(); i++) {
            int idx = (start + i) % urls.size();
            URI uri = URI.create(urls.get(idx) + path);
            HttpResponse<byte[]> response;
            try {
                requests.incrementAndGet();
                response = http.send(request(method, uri, payload), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted during " + method + " " + uri,
                        SchemaRegistryException.UNREACHABLE, 0, e);
            }
            current.set(idx);
            return answer(method, uri, response);
        }
        throw new SchemaRegistryException("no schema registry reachable at " + urls + " for " + method + " " + path
                + ": " + last, SchemaRegistryException.UNREACHABLE, 0, last);
    }

    private HttpRequest request(String method, URI uri, byte[] payload) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT)
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(payload));
        if (payload != null) b.header("Content-Type", CONTENT_TYPE);
        if (authorization != null) b.header("Authorization", authorization);
        return b.build();
    }

    private JsonNode answer(String method, URI uri, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            if (body == null) {
                throw new SchemaRegistryException(method + " " + uri + " answered " + status + " without JSON",
                        status, 0, null);
            }
            return body;
        }
        int code = body != null && body.has("error_code") ? body.get("error_code").asInt() : 0;
        String message = body != null && body.has("message") ? body.get("message").asText()
                : abbreviate(new String(response.body(), StandardCharsets.UTF_8));
        throw new SchemaRegistryException(method + " " + uri + " failed: HTTP " + status
                + (code != 0 ? " error_code " + code : "") + ": " + message, status, code, null);
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    long requestsSent() {
        return requests.get();
    }

    @Override
    public void close() {
        http.close();
    }
}
