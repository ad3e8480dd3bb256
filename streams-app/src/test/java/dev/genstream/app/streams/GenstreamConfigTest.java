package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenstreamConfigTest {
    @TempDir
    Path dir;

    @Test
    void fileKeysOverrideDefaultsAndEnvironmentOverridesBoth() throws Exception {
        Path f = dir.resolve("g.properties");
        Files.writeString(f, """
                bootstrap.servers=file:9092
                genstream.batch.size=4
                genstream.topic.tokens=my-tokens
                max.poll.records=50
                """);
        GenstreamConfig c = GenstreamConfig.load(f, Map.of(
                "GENSTREAM_BATCH_SIZE", "12",
                "GENSTREAM_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "GENSTREAM_DEBUG", "1"));
        assertThat(c.getInt(GenstreamConfig.BATCH_SIZE)).isEqualTo(12);
        assertThat(c.get("bootstrap.servers")).isEqualTo("env:9092");
        assertThat(c.get(GenstreamConfig.TOPIC_TOKENS)).isEqualTo("my-tokens");
        assertThat(c.get(GenstreamConfig.TOPIC_PROMPTS)).isEqualTo("prompts");
        assertThat(c.get("processing.guarantee")).isEqualTo("exactly_once_v2");
        // Kafka keys pass through; ours do not leak into the client configuration.
        assertThat(c.kafka()).containsEntry("max.poll.records", "50").containsEntry("bootstrap.servers", "env:9092")
                .doesNotContainKeys(GenstreamConfig.BATCH_SIZE, "genstream.debug");
    }

    @Test
    void thePrefixCacheBudgetIsAsSetOrAQuarterOfTheHeapAtMost() {
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(GenstreamConfig.of(Map.of(), Map.of()).prefixCacheBytes()).isEqualTo(Math.min(256L << 20, heap / 4)).isPositive();
        assertThat(GenstreamConfig.of(Map.of(), Map.of("GENSTREAM_PREFIX_CACHE_BYTES", "0")).prefixCacheBytes()).isZero();
        assertThat(GenstreamConfig.of(Map.of(GenstreamConfig.PREFIX_CACHE_BYTES, "1000000"), Map.of()).prefixCacheBytes()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> GenstreamConfig.of(Map.of(GenstreamConfig.PREFIX_CACHE_BYTES, "-1"), Map.of()).prefixCacheBytes())
                .hasMessageContaining("genstream.prefix.cache.bytes must be 0 (off) or more");
    }

    @Test
    void badNumbersAreNamed() {
        GenstreamConfig c = GenstreamConfig.of(Map.of(GenstreamConfig.BATCH_SIZE, "many"), Map.of());
        assertThatThrownBy(() -> c.getInt(GenstreamConfig.BATCH_SIZE)).hasMessageContaining("genstream.batch.size").hasMessageContaining("many");
    }

    @Test
    void aMisspelledKeyIsAWarningWithTheKeyItMeant() {
        GenstreamConfig c = GenstreamConfig.of(Map.of("genstream.modle.path", "m.gguf", "genstream.batch.size", "4", "max.poll.records", "5"),
                Map.of("GENSTREAM_TOPIC_PROMTS", "p"));
        assertThat(c.warnings()).containsExactlyInAnyOrder(
                "unknown configuration key genstream.modle.path, ignored; did you mean genstream.model.path?",
                "unknown configuration key genstream.topic.promts (from environment variable GENSTREAM_TOPIC_PROMTS), ignored; did you mean genstream.topic.prompts?");
        assertThat(GenstreamConfig.of(Map.of("genstream.whatever.this.is", "1"), Map.of()).warnings())
                .containsExactly("unknown configuration key genstream.whatever.this.is, ignored");
        assertThat(GenstreamConfig.of(Map.of(GenstreamConfig.MODEL_PATH, "m"), Map.of()).warnings()).isEmpty();
    }

    @Test
    void hostnameBecomesTheStaticMemberIdUnlessOneIsGivenOrStaticMembershipIsOff() {
        Map<String, String> env = Map.of("HOSTNAME", "genstream-2");
        assertThat(GenstreamConfig.of(Map.of(), env).kafka()).containsEntry("group.instance.id", "genstream-2");
        assertThat(GenstreamConfig.of(Map.of("main.consumer.group.instance.id", "mine"), env).kafka()).doesNotContainKey("group.instance.id");
        assertThat(GenstreamConfig.of(Map.of(GenstreamConfig.STATIC_MEMBERSHIP, "false"), env).kafka()).doesNotContainKey("group.instance.id");
        assertThat(GenstreamConfig.of(Map.of(), Map.of()).kafka()).doesNotContainKey("group.instance.id");
        // Failover defaults: a dead member's session and its open transaction both expire within ~10 s.
        assertThat(GenstreamConfig.of(Map.of(), Map.of()).kafka()).containsEntry("consumer.session.timeout.ms", "10000")
                .containsEntry("producer.transaction.timeout.ms", "10000").containsEntry("commit.interval.ms", "100");
    }
}
