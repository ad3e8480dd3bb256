package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A graceful stop leaves the group (static member or not) and finishes within the shutdown timeout, broker or no broker. */
@Timeout(300)
class ShutdownTest {
    @Test
    void aStaticMemberLeavesTheGroupOnCloseSoItsPartitionsMoveAtOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("leave", Map.of("group.instance.id", "pod-0"));
            String group = c.get("application.id");
            try (Admin admin = Admin.create(c.kafka())) {
                GenstreamApp app = GenstreamApp.start(c);
                assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
                assertThat(members(admin, group)).isEqualTo(1);
                app.close();
                // Without leaving, a static member stays until consumer.session.timeout.ms (10 s) expires.
                assertThat(members(admin, group)).as("members right after close").isZero();
            }
        }
    }

    @Test
    void closeFinishesWithinTheShutdownTimeoutWithTheBrokerGone() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("down", Map.of(GenstreamConfig.SHUTDOWN_TIMEOUT_MS, "8000"));
            GenstreamApp app = GenstreamApp.start(c);
            assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
            env.send(c, List.of(KafkaTestEnv.request("long", "In the beginning", 2000, 0.8f, 1L)));
            env.collect(c, o -> !o.tokens().isEmpty(), Duration.ofSeconds(60), Duration.ZERO); // generating now
            kafka.close();
            long t0 = System.nanoTime();
            app.close();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("[shutdown] closed in %.1f s with the broker down (timeout 8 s)%n", seconds);
            assertThat(seconds).isLessThan(8.5);
        } finally {
            kafka.close();
        }
    }

    private static int members(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        return d.members().size();
    }
}
