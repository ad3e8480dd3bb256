package dev.genstream.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.app.streams.GenstreamConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rate limiter's arithmetic and the settings' checks, without a broker. */
class GatewayUnitTest {
    static final long S = 1_000_000_000L;

    @Test
    void tokenBucketAllowsTheBurstThenRefillsAtTheRate() {
        TokenBuckets b = new TokenBuckets(0.5, 3);
        long t = 100 * S;
        assertThat(b.take("k", t)).isZero();
        assertThat(b.take("k", t)).isZero();
        assertThat(b.take("k", t)).isZero();
        assertThat(b.take("k", t)).isEqualTo(2); // one token takes 2 s at 0.5/s
        assertThat(b.take("other", t)).isZero();
        assertThat(b.take("k", t + S)).isEqualTo(1); // half a token refilled: 1 s more
        assertThat(b.take("k", t + 2 * S)).isZero();
        assertThat(b.take("k", t + 2 * S)).isEqualTo(2);
        assertThat(b.take("k", t + 1000 * S)).isZero(); // refills to the burst, not beyond
        assertThat(b.take("k", t + 1000 * S)).isZero();
        assertThat(b.take("k", t + 1000 * S)).isZero();
        assertThat(b.take("k", t + 1000 * S)).isPositive();
        assertThat(new TokenBuckets(0, 1).take("k", t)).isZero();
    }

    @Test
    void settingsAreCheckedWithTheKeyInTheMessage() {
        assertThat(GatewaySettings.from(config(Map.of())).port()).isEqualTo(8080);
        assertThat(GatewaySettings.from(config(Map.of(GenstreamConfig.GATEWAY_API_KEYS, " a, b ,"))).apiKeys()).containsExactlyInAnyOrder("a", "b");
        assertThatThrownBy(() -> GatewaySettings.from(config(Map.of(GenstreamConfig.GATEWAY_INSTANCE, "2", GenstreamConfig.GATEWAY_INSTANCES, "2"))))
                .hasMessageContaining("genstream.gateway.instance must be in [0, genstream.gateway.instances)");
        assertThatThrownBy(() -> GatewaySettings.from(config(Map.of(GenstreamConfig.GATEWAY_RATE_PER_SECOND, "fast"))))
                .hasMessage("genstream.gateway.rate.per.second must be a number, got 'fast'");
        assertThatThrownBy(() -> GatewaySettings.from(config(Map.of(GenstreamConfig.GATEWAY_PORT, "http"))))
                .hasMessage("genstream.gateway.port must be a whole number, got 'http'");
        assertThatThrownBy(() -> GatewaySettings.from(config(Map.of(GenstreamConfig.GATEWAY_MAX_BODY_BYTES, "0"))))
                .hasMessageContaining("genstream.gateway.max.body.bytes");
    }

    private static GenstreamConfig config(Map<String, String> m) {
        return GenstreamConfig.of(m, Map.of());
    }
}
