package dev.genstream.app.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Registry and serde settings, read from the same keys Confluent's serdes use, so an existing Kafka client
 * config works unchanged. A key may also carry the {@code schema.registry.} prefix where Confluent accepts both.
 */
public record RegistryConfig(
        List<URI> urls,
        String userInfo,
        Duration connectTimeout,
        Duration requestTimeout,
        Ssl ssl,
        boolean autoRegisterSchemas,
        boolean useLatestVersion) {

    public static final String URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";
    public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";

    /** Key and trust material; a null location means the JDK default. */
    public record Ssl(String truststoreLocation, String truststorePassword, String truststoreType,
                      String keystoreLocation, String keystorePassword, String keystoreType, String keyPassword,
                      String protocol) {
        public boolean configured() {
            return truststoreLocation != null || keystoreLocation != null;
        }
    }

    public RegistryConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) throw new ConfigException("Missing required configuration \"" + URL + "\"");
    }

    /** A plain config for one registry URL, with all defaults. */
    public static RegistryConfig of(String url) {
        return from(Map.of(URL, url));
    }

    public static RegistryConfig from(Map<String, ?> configs) {
        Object rawUrls = configs.get(URL);
        if (rawUrls == null) throw new ConfigException("Missing required configuration \"" + URL + "\"");
        List<String> raw = new ArrayList<>();
        if (rawUrls instanceof Collection<?> c) {
            c.forEach(u -> raw.add(String.valueOf(u)));
        } else {
            raw.addAll(List.of(String.valueOf(rawUrls).split(",")));
        }
        List<URI> urls = new ArrayList<>();
        String urlUserInfo = null;
        for (String u : raw) {
            if (u.isBlank()) continue;
            URI uri = parseUrl(u.strip());
            if (uri.getRawUserInfo() != null && urlUserInfo == null) urlUserInfo = uri.getUserInfo();
            urls.add(withoutUserInfo(uri));
        }
        return new RegistryConfig(urls, userInfo(configs, urlUserInfo),
                Duration.ofMillis(longValue(configs, CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(longValue(configs, READ_TIMEOUT_MS, 30_000)),
                ssl(configs),
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false));
    }

    private static String userInfo(Map<String, ?> configs, String urlUserInfo) {
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE);
        source = source == null ? "URL" : source.toUpperCase(Locale.ROOT);
        return switch (source) {
            case "USER_INFO" -> {
                String info = string(configs, BASIC_AUTH_USER_INFO);
                if (info == null || !info.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO + " must be user:password when "
                            + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
                }
                yield info;
            }
            case "URL" -> urlUserInfo;
            default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source,
                    "supported sources are USER_INFO and URL");
        };
    }

    private static Ssl ssl(Map<String, ?> c) {
        return new Ssl(string(c, SSL_PREFIX + "truststore.location"), string(c, SSL_PREFIX + "truststore.password"),
                orDefault(string(c, SSL_PREFIX + "truststore.type"), "JKS"),
                string(c, SSL_PREFIX + "keystore.location"), string(c, SSL_PREFIX + "keystore.password"),
                orDefault(string(c, SSL_PREFIX + "keystore.type"), "JKS"),
                string(c, SSL_PREFIX + "key.password"),
                orDefault(string(c, SSL_PREFIX + "protocol"), "TLSv1.3"));
    }

    private static URI parseUrl(String u) {
        try {
            URI uri = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL, u, e.getMessage());
        }
    }

    private static URI withoutUserInfo(URI u) {
        if (u.getRawUserInfo() == null) return u;
        String s = u.toString();
        return URI.create(s.replaceFirst("//[^@/]*@", "//"));
    }

    /** The value under {@code key}, or under {@code schema.registry.key}. */
    static String string(Map<String, ?> c, String key) {
        Object v = c.get(key);
        if (v == null && !key.startsWith("schema.registry.")) v = c.get("schema.registry." + key);
        if (v == null) return null;
        if (v instanceof org.apache.kafka.common.config.types.Password p) return p.value();
        String s = String.valueOf(v).strip();
        return s.isEmpty() ? null : s;
    }

    private static boolean bool(Map<String, ?> c, String key, boolean dflt) {
        String v = string(c, key);
        if (v == null) return dflt;
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return Boolean.parseBoolean(v);
        throw new ConfigException(key, v, "expected true or false");
    }

    private static long longValue(Map<String, ?> c, String key, long dflt) {
        String v = string(c, key);
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v);
            if (n <= 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a positive number of milliseconds");
        }
    }

    private static String orDefault(String v, String dflt) {
        return v == null ? dflt : v;
    }
}
