package dev.genstream.app.streams;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.ApicurioRegistryExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real in-JVM broker per test class and the shared real Apicurio registry, as {@link #env}. */
@ExtendWith(ApicurioRegistryExtension.class)
abstract class KafkaTestBase {
    static final String[] PROMPTS = {
        "In the beginning", "And the LORD said unto Moses,", "Blessed are the", "The LORD is my shepherd;",
        "And Jesus answered and said unto them,", "Honour thy father", "Then Peter said", "Thou shalt not",
        "And God said, Let there be", "Now the serpent was"};

    static EmbeddedKafka kafka;
    static KafkaTestEnv env;

    @BeforeAll
    static void startBroker(ApicurioRegistryExtension.Apicurio registry) throws Exception {
        kafka = EmbeddedKafka.start();
        env = new KafkaTestEnv(kafka.bootstrapServers(), registry.ccompatUrl());
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }
}
