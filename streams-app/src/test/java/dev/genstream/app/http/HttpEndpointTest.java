package dev.genstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.streams.GenstreamConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Before the model has loaded the process is live but not ready; the endpoint is off unless a port is set. */
class HttpEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void liveButNotReadyUntilAnAppIsServed() throws Exception {
        try (HttpEndpoint e = HttpEndpoint.start("127.0.0.1", 0)) {
            assertThat(get(e.url() + "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(e.url() + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("NOT READY model loading\n");
            HttpResponse<String> metrics = get(e.url() + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        }
    }

    @Test
    void offUnlessAPortIsConfigured() {
        assertThat(HttpEndpoint.startIfConfigured(GenstreamConfig.of(Map.of(), Map.of()))).isNull();
        try (HttpEndpoint e = HttpEndpoint.startIfConfigured(GenstreamConfig.of(Map.of(GenstreamConfig.HTTP_PORT, "0",
                GenstreamConfig.HTTP_HOST, "127.0.0.1"), Map.of()))) {
            assertThat(e).isNotNull();
            assertThat(e.port()).isPositive();
        }
    }
}
