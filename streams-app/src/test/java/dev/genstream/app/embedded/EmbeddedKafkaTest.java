package dev.genstream.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {
    @Test
    void aRealBrokerTakesTransactionalWritesAndServesReadCommittedReads() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            }
            Properties pp = new Properties();
            pp.put("bootstrap.servers", kafka.bootstrapServers());
            pp.put("transactional.id", "tx-1");
            try (KafkaProducer<String, String> p = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                p.initTransactions();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", "k", "aborted"));
                p.abortTransaction();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", "k", "committed"));
                p.commitTransaction();
            }
            Properties cp = new Properties();
            cp.put("bootstrap.servers", kafka.bootstrapServers());
            cp.put("isolation.level", "read_committed");
            cp.put("auto.offset.reset", "earliest");
            cp.put("group.id", "g");
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("t"));
                List<String> seen = new java.util.ArrayList<>();
                long deadline = System.currentTimeMillis() + 20_000;
                while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                    ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
                    rs.forEach(r -> seen.add(r.value()));
                }
                assertThat(seen).containsExactly("committed");
            }
        }
    }

    /** Clients know only the bootstrap address, so a broker restarted on its data dir with port 0 keeps its port. */
    @Test
    void aRestartOnTheSameDataDirKeepsItsPortAndTopics() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("genstream-kafka-restart-");
        String before;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, false, 0)) {
            before = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", before))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, true, 0)) {
            assertThat(kafka.bootstrapServers()).isEqualTo(before);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains("kept");
            }
        }
    }
}
