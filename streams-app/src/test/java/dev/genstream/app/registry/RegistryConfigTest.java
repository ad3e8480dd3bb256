package dev.genstream.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

    @Test
    void urlsAreACommaSeparatedListWithoutTrailingSlashesOrCredentials() {
        RegistryConfig c = RegistryConfig.from(Map.of(RegistryConfig.URL,
                " http://u:p@a:8081/ , https://b:8081/apis/ccompat/v7"));
        assertThat(c.urls()).containsExactly(URI.create("http://a:8081"), URI.create("https://b:8081/apis/ccompat/v7"));
        assertThat(c.userInfo()).isEqualTo("u:p");
        assertThat(c.autoRegisterSchemas()).isTrue();
        assertThat(c.useLatestVersion()).isFalse();
        assertThat(c.ssl().configured()).isFalse();
        assertThat(RegistryConfig.from(Map.of(RegistryConfig.URL, List.of("http://x:1", "http://y:2"))).urls())
                .hasSize(2);
    }

    @Test
    void confluentKeysAreHonoured() {
        RegistryConfig c = RegistryConfig.from(Map.of(
                RegistryConfig.URL, "http://a:8081",
                RegistryConfig.AUTO_REGISTER_SCHEMAS, "false",
                RegistryConfig.USE_LATEST_VERSION, true,
                RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "user_info",
                "schema.registry.basic.auth.user.info", "key:secret",
                RegistryConfig.CONNECT_TIMEOUT_MS, 1500,
                "schema.registry.ssl.truststore.location", "/tmp/t.jks"));
        assertThat(c.autoRegisterSchemas()).isFalse();
        assertThat(c.useLatestVersion()).isTrue();
        assertThat(c.userInfo()).isEqualTo("key:secret");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.ssl().truststoreLocation()).isEqualTo("/tmp/t.jks");
        assertThat(c.ssl().truststoreType()).isEqualTo("JKS");
    }

    @Test
    void badConfigsFailWithTheKeyInTheMessage() {
        assertThatThrownBy(() -> RegistryConfig.from(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RegistryConfig.of("ftp://x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RegistryConfig.from(Map.of(RegistryConfig.URL, "http://a",
                RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.credentials.source");
        assertThatThrownBy(() -> RegistryConfig.from(Map.of(RegistryConfig.URL, "http://a",
                RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> RegistryConfig.from(Map.of(RegistryConfig.URL, "http://a",
                RegistryConfig.AUTO_REGISTER_SCHEMAS, "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.register.schemas");
    }

    @Test
    void subjectsFollowTopicNameStrategy() {
        assertThat(WireFormat.subject("prompts", false)).isEqualTo("prompts-value");
        assertThat(WireFormat.subject("prompts", true)).isEqualTo("prompts-key");
        assertThat(SchemaRegistryClient.encode("a b/c")).isEqualTo("a%20b%2Fc");
    }
}
