package dev.genstream.app.http;

import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.engine.generate.PrefixCache;
import dev.genstream.engine.generate.Scheduler;
import dev.genstream.engine.generate.SchedulerStats;
import dev.genstream.schemas.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The engine's and the service's meters, read from their plain-Java counters, plus the Kafka Streams client's own. */
final class ServiceMeters implements AutoCloseable {
    private final KafkaStreamsMetrics streamsMetrics;

    ServiceMeters(MeterRegistry registry, GenstreamApp app) {
        Scheduler s = app.service().scheduler();
        FunctionCounter.builder("genstream.tokens.generated", s, x -> x.stats().generated())
                .description("Tokens sampled").register(registry);
        FunctionCounter.builder("genstream.prefill.tokens", s, x -> x.stats().prefilled())
                .description("Prompt and resumed tokens run through the model before sampling").register(registry);
        FunctionCounter.builder("genstream.steps", s, x -> x.stats().steps()).description("Forward passes").register(registry);
        Gauge.builder("genstream.sequences.live", s, x -> x.stats().live()).description("Sequences in the batch").register(registry);
        Gauge.builder("genstream.requests.queued", s, x -> x.stats().queued()).description("Requests waiting for a batch slot").register(registry);
        Gauge.builder("genstream.batch.occupancy", s, x -> x.stats().batchOccupancy())
                .description("Last forward pass's sequences over the batch limit").register(registry);
        Gauge.builder("genstream.kv.bytes", s, x -> x.stats().kvBytes()).baseUnit("bytes")
                .description("KV cache held by live sequences").register(registry);
        if (s.prefixCacheStats() != null) {
            // Registered only when the model runs with a prefix cache (off for sliding-window models or a 0 budget).
            FunctionCounter.builder("genstream.prefix.cache.hits", s, x -> x.prefixCacheStats().hits())
                    .description("Requests that restored a cached prefix instead of prefilling it").register(registry);
            FunctionCounter.builder("genstream.prefix.cache.misses", s, x -> misses(x.prefixCacheStats()))
                    .description("Requests that found no cached prefix").register(registry);
            FunctionCounter.builder("genstream.prefix.cache.reused.tokens", s, x -> x.prefixCacheStats().reusedTokens())
                    .description("Prompt tokens restored from the prefix cache rather than prefilled").register(registry);
            FunctionCounter.builder("genstream.prefix.cache.evictions", s, x -> x.prefixCacheStats().evictions())
                    .description("Entries dropped to stay within the byte budget").register(registry);
            Gauge.builder("genstream.prefix.cache.bytes", s, x -> x.prefixCacheStats().bytes()).baseUnit("bytes")
                    .description("Keys, values and token ids the prefix cache holds").register(registry);
        }
        for (ErrorCode code : ErrorCode.values()) {
            FunctionCounter.builder("genstream.dead.letters", app.deadLetters(), d -> d.count(code)).tag("code", code.name())
                    .description("Dead letters forwarded, by error code").register(registry);
        }
        Timer firstToken = Timer.builder("genstream.time.to.first.token").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .description("From a request reaching the scheduler to its first sampled token").register(registry);
        Timer perToken = Timer.builder("genstream.token.latency").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .description("Forward pass time per step that sampled tokens: the gap between a sequence's tokens").register(registry);
        s.setListener(new SchedulerStats.Listener() {
            @Override
            public void firstToken(long nanos) {
                firstToken.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void stepped(int sequences, int sampled, long nanos) {
                if (sampled > 0) perToken.record(nanos, TimeUnit.NANOSECONDS);
            }
        });
        Gauge.builder("genstream.model.loaded", app, a -> 1).description("The model this instance serves (1 once loaded)").tag("model", app.service().alias())
                .tag("fingerprint", app.service().fingerprint().substring(0, 12)).register(registry);
        streamsMetrics = new KafkaStreamsMetrics(app.streams());
        streamsMetrics.bindTo(registry);
    }

    private static long misses(PrefixCache.Stats st) {
        return st.lookups() - st.hits();
    }

    @Override
    public void close() {
        streamsMetrics.close();
    }
}
