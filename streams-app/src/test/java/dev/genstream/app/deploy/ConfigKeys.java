package dev.genstream.app.deploy;

import dev.genstream.app.registry.RegistryConfig;
import dev.genstream.app.streams.GenstreamConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Which configuration keys genstream reads or passes on to a Kafka client, Kafka Streams or the registry serdes. */
final class ConfigKeys {
    private static final String[] CLIENT_PREFIXES = {"main.consumer.", "restore.consumer.", "global.consumer.", "consumer.", "producer.", "admin."};
    private static final Set<String> OURS = constants(GenstreamConfig.class, "genstream.");
    private static final Set<String> REGISTRY = constants(RegistryConfig.class, "");
    private static final Set<String> KAFKA = new HashSet<>();

    static {
        KAFKA.addAll(StreamsConfig.configDef().names());
        KAFKA.addAll(ConsumerConfig.configNames());
        KAFKA.addAll(ProducerConfig.configNames());
        KAFKA.addAll(AdminClientConfig.configNames());
    }

    private ConfigKeys() {}

    static boolean known(String key) {
        if (key.startsWith("genstream.")) return OURS.contains(key);
        if (REGISTRY.contains(key) || key.startsWith(RegistryConfig.SSL_PREFIX) && KAFKA.contains(key.substring("schema.registry.".length()))) {
            return true;
        }
        if (KAFKA.contains(key)) return true;
        for (String p : CLIENT_PREFIXES) {
            if (key.startsWith(p)) return KAFKA.contains(key.substring(p.length()));
        }
        return false;
    }

    /** The key an environment variable sets (GenstreamConfig's rule), or null if it is not one of ours. */
    static String fromEnv(String name) {
        if (name.startsWith("GENSTREAM_KAFKA_")) return name.substring("GENSTREAM_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (name.startsWith("GENSTREAM_") && !name.equals("GENSTREAM_APP_DIR") && !name.equals("GENSTREAM_JAVA_OPTS")) {
            return "genstream." + name.substring("GENSTREAM_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }

    private static Set<String> constants(Class<?> type, String prefix) {
        Set<String> out = new HashSet<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String v = (String) f.get(null);
                    if (v.startsWith(prefix)) out.add(v);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
