package dev.genstream.app.cli;

import dev.genstream.app.gateway.Gateway;
import dev.genstream.app.http.HttpEndpoint;
import dev.genstream.app.streams.GenstreamApp;
import dev.genstream.app.streams.GenstreamConfig;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "Run the streaming service against your Kafka until stopped (Ctrl-C or SIGTERM shut it down cleanly).")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        GenstreamConfig c = kafka.connect();
        HttpEndpoint http = HttpEndpoint.startIfConfigured(c); // answers /health/live while the model loads
        GenstreamApp app;
        try {
            app = GenstreamApp.start(c);
        } catch (Exception | Error e) {
            if (http != null) http.close();
            throw e;
        }
        if (http != null) {
            http.serve(app);
            System.err.printf("genstream: metrics at %s/metrics, health at %s/health/ready%n", http.url(), http.url());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            if (http != null) http.close();
        }, "genstream-shutdown"));
        System.err.printf("genstream: serving model '%s' (%s) from %s to %s/%s; dead letters to %s%n",
                app.service().alias(), app.service().fingerprint().substring(0, 12), c.get(GenstreamConfig.TOPIC_PROMPTS),
                c.get(GenstreamConfig.TOPIC_TOKENS), c.get(GenstreamConfig.TOPIC_COMPLETIONS), c.get(GenstreamConfig.TOPIC_DLQ));
        // genstream.gateway.port set: the gateway runs in this process too.
        if (c.get(GenstreamConfig.GATEWAY_PORT, null) != null) {
            Gateway gateway = Gateway.start(c);
            Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
            System.err.printf("genstream: gateway listening on %s%n", gateway.url());
        }
        app.awaitStopped();
        return app.streams().state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
