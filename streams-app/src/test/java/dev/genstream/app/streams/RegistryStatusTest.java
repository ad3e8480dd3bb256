package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Retries of records that wait for the registry back off while it stays down, and an outage is one line each way. */
class RegistryStatusTest {
    @Test
    void retriesBackOffWhileTheRegistryStaysDownAndTheOutageIsLoggedOnce() throws Exception {
        RegistryStatus s = new RegistryStatus("http://registry:8081", 100);
        try (LogLines log = LogLines.capture(RegistryStatus.class.getName())) {
            assertThat(s.due(System.currentTimeMillis())).as("nothing waits yet").isTrue();
            long t0 = System.currentTimeMillis();
            s.unavailable("connection refused");
            assertThat(s.due(t0 + 50)).isFalse();
            assertThat(s.due(t0 + 5_000)).isTrue();
            // each failed retry that was due doubles the wait, up to 5x retry.ms
            long[] waits = new long[5];
            for (int i = 0; i < waits.length; i++) {
                while (!s.due(System.currentTimeMillis())) Thread.sleep(5);
                long failedAt = System.currentTimeMillis();
                s.unavailable("connection refused");
                long next = failedAt;
                while (!s.due(next)) next += 10;
                waits[i] = next - failedAt;
            }
            assertThat(waits[0]).isBetween(200L, 300L);
            assertThat(waits[1]).isBetween(400L, 500L);
            assertThat(waits[2]).isBetween(500L, 600L);
            assertThat(waits[4]).isBetween(500L, 600L);
            s.unavailable("another record, not a due retry"); // no extra doubling
            s.available();
            assertThat(s.due(System.currentTimeMillis())).isTrue();
            s.available(); // already up: no second line
            assertThat(log.matching("schema registry unreachable at http://registry:8081 \\(connection refused\\)")).hasSize(1);
            assertThat(log.matching("answers again")).hasSize(1);

            s.unavailable("503"); // a new outage starts from retry.ms again
            long t1 = System.currentTimeMillis();
            assertThat(s.due(t1 + 150)).isTrue();
            assertThat(log.matching("schema registry unreachable")).hasSize(2);
        }
    }
}
