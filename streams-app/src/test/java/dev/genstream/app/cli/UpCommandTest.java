package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, as a user runs it: {@code up} in its own JVM, then {@code produce} and {@code tail}
 * with no Kafka given. /metrics and /health answer while it streams. Then {@code up} is stopped with SIGTERM and
 * started again on the same data dir: the earlier records are still there and still decode.
 */
@Timeout(420)
class UpCommandTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void upThenProduceAndTailInAnotherProcessWithMetricsHealthAndARestart() throws Exception {
        Path data = dir.resolve("stack");
        Path log = dir.resolve("up.log");
        Path jsonl = Files.writeString(dir.resolve("p.jsonl"), """
                {"request_id": "a1", "prompt": "And the LORD said unto Moses,", "params": {"max_tokens": 40, "temperature": 0}}
                {"request_id": "a2", "prompt": "Blessed are the", "params": {"max_tokens": 25, "temperature": 0.8, "seed": 3}}
                {"request_id": "a3", "prompt": "In the", "model": "no-such-model", "params": {"max_tokens": 8}}
                """);
        Process up = launchUp(data, log);
        String previous = System.getProperty("genstream.data.dir");
        System.setProperty("genstream.data.dir", data.toString());
        try {
            Map<String, String> stack = awaitStack(data, up, log);
            String base = stack.get(LocalStack.HTTP_URL);
            assertThat(get(base + "/health/ready")).startsWith("200 READY"); // up announces itself once RUNNING

            CliContractTest.Run produced = CliContractTest.run("produce", "--file", jsonl.toString());
            assertThat(produced.exit()).as(produced.err()).isZero();
            assertThat(produced.out().lines()).containsExactly("a1", "a2", "a3");
            assertThat(produced.err().lines().filter(l -> l.contains("using the local stack of ./genstream up")))
                    .singleElement().asString().contains(stack.get("bootstrap.servers")).contains(data.toString());

            String tailed = tailUntil(List.of("completion a1", "completion a2", "dead       a3"));
            assertThat(tailed).contains("completion a1 [length, 40 tokens").contains("completion a2 [length, 25 tokens, seed 3]")
                    .contains("dead       a3 UNKNOWN_MODEL").contains("token      a1 #39 ");

            String metrics = get(base + "/metrics");
            assertThat(metrics).startsWith("200 ");
            assertThat(value(metrics, "genstream_tokens_generated_total")).isEqualTo(65);
            assertThat(value(metrics, "genstream_prefill_tokens_total")).isPositive();
            assertThat(value(metrics, "genstream_time_to_first_token_seconds_count")).isEqualTo(2);
            assertThat(value(metrics, "genstream_token_latency_seconds_count")).isPositive();
            assertThat(value(metrics, "genstream_dead_letters_total{code=\"UNKNOWN_MODEL\"}")).isEqualTo(1);
            assertThat(value(metrics, "genstream_dead_letters_total{code=\"NOT_AVRO\"}")).isZero();
            assertThat(metrics).contains("genstream_sequences_live ").contains("genstream_requests_queued ")
                    .contains("genstream_batch_occupancy ").contains("genstream_kv_bytes ")
                    .contains("genstream_time_to_first_token_seconds_bucket{le=")
                    .contains("kafka_stream_thread_commit_total{").contains("kafka_stream_alive_stream_threads{"); // the Kafka Streams binder
            assertThat(get(base + "/health/live")).startsWith("200 UP RUNNING");
            prefixCacheMeters(base);

            // SIGTERM: a clean stop that keeps the data and removes the address file.
            long t0 = System.nanoTime();
            up.destroy();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up stops on SIGTERM (log: %s)", log).isTrue();
            System.out.printf("[up] stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(Files.exists(data.resolve(LocalStack.FILE))).isFalse();
            CliContractTest.Run none = CliContractTest.run("tail", "--max-seconds", "1");
            assertThat(none.exit()).isNotZero();
            assertThat(none.err().strip()).contains("start a local stack with ./genstream up").doesNotContain("\n");

            int gatewayPort;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                gatewayPort = free.getLocalPort();
            }
            up = launchUp(data, log, "--gateway-port", Integer.toString(gatewayPort));
            awaitStack(data, up, log);
            assertThat(get("http://127.0.0.1:" + gatewayPort + "/v1/models")).startsWith("200 ").contains("kjv-llama-6m");
            String again = tailUntil(List.of("completion a1", "completion a2", "dead       a3"));
            assertThat(again).contains("completion a1 [length, 40 tokens").contains("dead       a3 UNKNOWN_MODEL");
        } finally {
            if (previous == null) System.clearProperty("genstream.data.dir");
            else System.setProperty("genstream.data.dir", previous);
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) up.destroyForcibly().waitFor();
        }
    }

    /**
     * A server-side conversation's second turn starts with the first turn and its reply, which the prefix cache
     * holds: a hit. The reused-token counter equals the completions' {@code usage.cached_tokens} summed.
     */
    private void prefixCacheMeters(String base) throws Exception {
        Path conversation = Files.writeString(dir.resolve("conversation.jsonl"), """
                {"request_id": "t1", "conversation_id": "conv", "history_mode": "server", "messages": [{"role": "user", "content": "Who led Israel?"}], "params": {"max_tokens": 12, "temperature": 0}}
                {"request_id": "t2", "conversation_id": "conv", "history_mode": "server", "messages": [{"role": "user", "content": "And after him?"}], "params": {"max_tokens": 12, "temperature": 0}}
                """);
        CliContractTest.Run produced = CliContractTest.run("produce", "--file", conversation.toString());
        assertThat(produced.exit()).as(produced.err()).isZero();
        CliContractTest.Run js = CliContractTest.run("tail", "--from-beginning", "--json", "--no-tokens", "--count", "5", "--max-seconds", "180");
        assertThat(js.exit()).as(js.err()).isZero();
        long cached = 0, t2Cached = -1;
        for (String l : js.out().lines().toList()) {
            JsonNode r = new ObjectMapper().readTree(l);
            if (!r.get("type").asText().equals("completion")) continue;
            int n = r.get("usage").get("cached_tokens").asInt();
            cached += n;
            if (r.get("request_id").asText().equals("t2")) t2Cached = n;
        }
        assertThat(t2Cached).as("turn 2's cached tokens (tail: %s)", js.out()).isPositive();
        String metrics = get(base + "/metrics");
        assertThat(value(metrics, "genstream_prefix_cache_hits_total")).isGreaterThanOrEqualTo(1);
        assertThat(value(metrics, "genstream_prefix_cache_misses_total")).isGreaterThanOrEqualTo(1); // the first lookup of all
        assertThat(value(metrics, "genstream_prefix_cache_reused_tokens_total")).isEqualTo(cached);
        assertThat(value(metrics, "genstream_prefix_cache_bytes")).isPositive();
        assertThat(metrics).contains("genstream_prefix_cache_evictions_total ");
    }

    private static String tailUntil(List<String> wanted) {
        String out = "";
        for (int attempt = 0; attempt < 8 && !wanted.stream().allMatch(out::contains); attempt++) {
            CliContractTest.Run tail = CliContractTest.run("tail", "--from-beginning", "--max-seconds", "6");
            assertThat(tail.exit()).as(tail.err()).isZero();
            out = tail.out();
        }
        return out;
    }

    /** The last sample of a metric line {@code name value}. */
    static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("metric %s", name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static Map<String, String> awaitStack(Path data, Process up, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            Map<String, String> stack = LocalStack.read(data);
            if (stack != null) return stack;
            assertThat(up.isAlive()).as("up exited early:%n%s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("up did not write " + LocalStack.FILE + " in time; log:\n" + Files.readString(log));
    }

    static Process launchUp(Path data, Path log, String... extra) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx768m", "-Dgenstream.home=" + System.getProperty("genstream.home", ".."),
                "-cp", System.getProperty("java.class.path"), "dev.genstream.app.Main", "up", "--data-dir", data.toString(),
                "--kafka-port", "0", "--registry-port", "0", "--http-port", "0", "--threads", "1"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
