package dev.genstream.app.streams;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One properties file: Kafka client and Streams keys pass through untouched; {@code genstream.*} keys are ours.
 * Environment variables override: {@code GENSTREAM_MODEL_PATH} sets {@code genstream.model.path}, and
 * {@code GENSTREAM_KAFKA_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers} (after the prefix, '_' becomes '.').
 */
public final class GenstreamConfig {
    public static final String MODEL_PATH = "genstream.model.path";
    public static final String MODEL_ALIAS = "genstream.model.alias";
    public static final String TOPIC_PROMPTS = "genstream.topic.prompts";
    public static final String TOPIC_TOKENS = "genstream.topic.tokens";
    public static final String TOPIC_COMPLETIONS = "genstream.topic.completions";
    public static final String TOPIC_DLQ = "genstream.topic.dlq";
    public static final String TOPIC_SCORES = "genstream.topic.scores";
    public static final String TOPIC_STRUCTURED = "genstream.topic.structured";
    public static final String TOPICS_CREATE = "genstream.topics.create";
    public static final String TOPIC_PARTITIONS = "genstream.topic.partitions";
    public static final String TOPIC_REPLICATION = "genstream.topic.replication.factor";
    public static final String BATCH_SIZE = "genstream.batch.size";
    public static final String STEP_TOKENS = "genstream.step.tokens";
    public static final String THREADS = "genstream.threads";
    public static final String CONTEXT_SIZE = "genstream.context.size";
    public static final String PREFIX_CACHE_BYTES = "genstream.prefix.cache.bytes";
    /** How the KV cache stores keys and values: f32 (default) or f16 (half the memory). */
    public static final String KV_TYPE = "genstream.kv.type";
    public static final String MAX_TOKENS_LIMIT = "genstream.max.tokens.limit";
    public static final String PUNCTUATE_MS = "genstream.punctuate.interval.ms";
    public static final String DEDUP_RETENTION_MS = "genstream.dedup.retention.ms";
    public static final String CONVERSATION_TTL_MS = "genstream.conversation.ttl.ms";
    /** A Jinja chat template file for models whose GGUF carries none (or to replace theirs). */
    public static final String CHAT_TEMPLATE_FILE = "genstream.chat.template.file";
    public static final String GATEWAY_HOST = "genstream.gateway.host";
    public static final String GATEWAY_PORT = "genstream.gateway.port";
    public static final String GATEWAY_API_KEYS = "genstream.gateway.api.keys";
    public static final String GATEWAY_RATE_PER_SECOND = "genstream.gateway.rate.per.second";
    public static final String GATEWAY_RATE_BURST = "genstream.gateway.rate.burst";
    public static final String GATEWAY_MAX_BODY_BYTES = "genstream.gateway.max.body.bytes";
    public static final String GATEWAY_CORS_ORIGINS = "genstream.gateway.cors.origins";
    public static final String GATEWAY_INSTANCE = "genstream.gateway.instance";
    public static final String GATEWAY_INSTANCES = "genstream.gateway.instances";
    public static final String GATEWAY_TIMEOUT_MS = "genstream.gateway.timeout.ms";
    public static final String HTTP_PORT = "genstream.http.port";
    public static final String HTTP_HOST = "genstream.http.host";
    public static final String STARTUP_TIMEOUT_MS = "genstream.startup.timeout.ms";
    /** How often a record whose schema the registry could not serve (an outage) is retried. */
    public static final String REGISTRY_RETRY_MS = "genstream.registry.retry.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "genstream.shutdown.timeout.ms";
    public static final String SHUTDOWN_LEAVE_GROUP = "genstream.shutdown.leave.group";
    public static final String STATIC_MEMBERSHIP = "genstream.static.membership";
    public static final String OUTPUT_KEY_FORMAT = "genstream.output.key.format";
    /** Off-heap bytes all RocksDB stores of the process share (block cache with memtables charged to it). */
    public static final String ROCKSDB_MEMORY_BYTES = "genstream.rocksdb.memory.bytes";

    private static final Set<String> KNOWN = known();
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(MODEL_ALIAS, "kjv-llama-6m"),
            Map.entry(TOPIC_PROMPTS, "prompts"),
            Map.entry(TOPIC_TOKENS, "tokens"),
            Map.entry(TOPIC_COMPLETIONS, "completions"),
            Map.entry(TOPIC_DLQ, "prompts-dlq"),
            Map.entry(TOPIC_SCORES, "scores"),
            Map.entry(TOPIC_STRUCTURED, "structured"),
            Map.entry(TOPICS_CREATE, "true"),
            Map.entry(TOPIC_PARTITIONS, "4"),
            Map.entry(TOPIC_REPLICATION, "-1"),
            Map.entry(BATCH_SIZE, "16"),
            Map.entry(STEP_TOKENS, "256"),
            Map.entry(KV_TYPE, "f32"),
            Map.entry(MAX_TOKENS_LIMIT, "2048"),
            Map.entry(PUNCTUATE_MS, "50"),
            Map.entry(DEDUP_RETENTION_MS, Long.toString(7L * 24 * 3600 * 1000)),
            Map.entry(CONVERSATION_TTL_MS, Long.toString(24L * 3600 * 1000)),
            Map.entry(HTTP_HOST, "0.0.0.0"),
            Map.entry(STARTUP_TIMEOUT_MS, "15000"),
            Map.entry(REGISTRY_RETRY_MS, "2000"),
            Map.entry(SHUTDOWN_TIMEOUT_MS, "30000"),
            Map.entry(SHUTDOWN_LEAVE_GROUP, "true"),
            Map.entry(STATIC_MEMBERSHIP, "true"),
            Map.entry(OUTPUT_KEY_FORMAT, "string"),
            Map.entry(ROCKSDB_MEMORY_BYTES, Long.toString(64L << 20)),
            // Kafka Streams: exactly-once, and timeouts sized to the gap between commits, not to a generation
            // (generation never blocks the stream thread; progress commits every commit.interval.ms). Failover:
            // a dead member is noticed after the session timeout, and a transaction it left open blocks
            // read_committed readers until the transaction timeout; commits every 100 ms leave room for both to
            // be ~10 s (the README's Operations section has the trade-offs).
            Map.entry(StreamsConfig.APPLICATION_ID_CONFIG, "genstream"),
            Map.entry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2),
            Map.entry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"),
            Map.entry("producer.transaction.timeout.ms", "10000"),
            Map.entry("consumer.session.timeout.ms", "10000"),
            Map.entry("consumer.heartbeat.interval.ms", "2500"),
            Map.entry("consumer.max.poll.interval.ms", "300000"),
            Map.entry("schema.registry.url", "http://127.0.0.1:8081"));

    private final Map<String, String> values;
    private final List<String> warnings;

    private GenstreamConfig(Map<String, String> values, List<String> warnings) {
        this.values = values;
        this.warnings = warnings;
    }

    public static GenstreamConfig load(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> given = new HashMap<>();
        p.stringPropertyNames().forEach(k -> given.put(k, p.getProperty(k).trim()));
        return of(given, env);
    }

    /**
     * Defaults, then the given keys, then environment overrides. With static membership on (the default) and no
     * {@code group.instance.id} given, {@code $HOSTNAME} becomes it, so a restarted pod takes its partitions back
     * without waiting for its old session to expire.
     */
    public static GenstreamConfig of(Map<String, String> given, Map<String, String> env) {
        Map<String, String> v = new HashMap<>(DEFAULTS);
        v.putAll(given);
        List<String> warnings = new ArrayList<>();
        given.keySet().forEach(k -> unknownKey(k, k, warnings));
        env.forEach((name, value) -> {
            if (name.startsWith("GENSTREAM_KAFKA_")) {
                v.put(name.substring("GENSTREAM_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            } else if (name.startsWith("GENSTREAM_") && !name.equals("GENSTREAM_DEBUG") && !name.equals("GENSTREAM_JAVA_OPTS")) {
                String key = "genstream." + name.substring("GENSTREAM_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                v.put(key, value);
                unknownKey(key, "environment variable " + name, warnings);
            }
        });
        String host = env.get("HOSTNAME");
        boolean instanceGiven = v.containsKey("group.instance.id") || v.containsKey("consumer.group.instance.id")
                || v.containsKey("main.consumer.group.instance.id");
        if (Boolean.parseBoolean(v.get(STATIC_MEMBERSHIP)) && !instanceGiven && host != null && !host.isBlank()) {
            v.put("group.instance.id", host.strip());
        }
        return new GenstreamConfig(v, List.copyOf(warnings));
    }

    /** Problems worth a warning, such as a misspelled genstream.* key (which would otherwise be ignored). */
    public List<String> warnings() {
        return warnings;
    }

    private static void unknownKey(String key, String source, List<String> warnings) {
        if (!key.startsWith("genstream.") || KNOWN.contains(key)) return;
        String hint = Suggest.closest(key, List.copyOf(KNOWN));
        warnings.add("unknown configuration key " + key + (source.equals(key) ? "" : " (from " + source + ")") + ", ignored"
                + (hint == null ? "" : "; did you mean " + hint + "?"));
    }

    /** Every genstream.* key this class names. */
    private static Set<String> known() {
        Set<String> keys = new TreeSet<>();
        for (Field f : GenstreamConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String k = (String) f.get(null);
                    if (k.startsWith("genstream.")) keys.add(k);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }

    public String get(String key) {
        String s = values.get(key);
        if (s == null) throw new IllegalArgumentException("missing configuration key " + key);
        return s;
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + get(key) + "'");
        }
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + get(key) + "'");
        }
    }

    /**
     * {@value #PREFIX_CACHE_BYTES} as set (0 = off), else 256 MiB but at most a quarter of the max heap, which the
     * cache lives on.
     */
    public long prefixCacheBytes() {
        if (!values.containsKey(PREFIX_CACHE_BYTES)) return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);
        long bytes = getLong(PREFIX_CACHE_BYTES);
        if (bytes < 0) throw new IllegalArgumentException(PREFIX_CACHE_BYTES + " must be 0 (off) or more, got " + bytes);
        return bytes;
    }

    public boolean getBool(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** Everything that is not ours: Kafka client, Streams and schema-registry keys. */
    public Map<String, Object> kafka() {
        Map<String, Object> m = new HashMap<>();
        values.forEach((k, v) -> {
            if (!k.startsWith("genstream.")) m.put(k, v);
        });
        return m;
    }

    public Properties streamsProperties() {
        Properties p = new Properties();
        p.putAll(kafka());
        // One bounded off-heap budget for all stores, unless the user brings a config setter of their own.
        p.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
        p.put(ROCKSDB_MEMORY_BYTES, get(ROCKSDB_MEMORY_BYTES));
        return p;
    }

    public GenstreamConfig with(String key, String value) {
        Map<String, String> v = new HashMap<>(values);
        v.put(key, value);
        return new GenstreamConfig(v, warnings);
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }
}
