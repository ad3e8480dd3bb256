package dev.genstream.app.cli;

import dev.genstream.app.gateway.Gateway;
import dev.genstream.app.streams.GenstreamConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gateway", description = {"Serve the OpenAI API (/v1/chat/completions, /v1/completions, /v1/models) and a",
        "chat page at / in front of a running service, until stopped. Keys: genstream.gateway.*"})
public final class GatewayCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Listen port (default: genstream.gateway.port, else 8080; 0 = any free port)")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDR", description = "Listen address (default: genstream.gateway.host, else 127.0.0.1)")
    String host;

    @Override
    public Integer call() throws Exception {
        GenstreamConfig c = kafka.load();
        if (port != null) c = c.with(GenstreamConfig.GATEWAY_PORT, port.toString());
        if (host != null) c = c.with(GenstreamConfig.GATEWAY_HOST, host);
        Gateway g = Gateway.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            g.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        System.err.printf("genstream gateway: listening on %s (OpenAI API under %sv1/); requests to %s%n", g.url(), g.url(),
                c.get(GenstreamConfig.TOPIC_PROMPTS));
        stopped.await();
        return 0;
    }
}
