package dev.genstream.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.genstream.schemas.PromptRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth and TLS, the way Confluent clients configure them. */
class RegistrySecurityTest {

    @Test
    void basicAuthFromUserInfoOrFromTheUrl() {
        try (var registry = new EmbeddedSchemaRegistry().withBasicAuth("svc", "s3cr:et").start()) {
            String subject = Samples.topic("auth") + "-value";
            Map<String, Object> userInfo = Map.of(RegistryConfig.URL, registry.url(),
                    RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    RegistryConfig.BASIC_AUTH_USER_INFO, "svc:s3cr:et");
            try (var c = SchemaRegistryClient.fromConfig(userInfo)) {
                assertThat(c.register(subject, PromptRequest.SCHEMA$)).isPositive();
            }
            String inUrl = registry.url().replace("http://", "http://svc:s3cr%3Aet@");
            try (var c = SchemaRegistryClient.fromConfig(Map.of(RegistryConfig.URL, inUrl))) {
                assertThat(c.latest(subject).version()).isEqualTo(1);
            }
            try (var c = SchemaRegistryClient.fromConfig(Map.of(RegistryConfig.URL, registry.url()))) {
                SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                        () -> c.latest(subject));
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.errorCode()).isEqualTo(40101);
            }
        }
    }

    @Test
    void tlsWithTruststoreAndClientCertificate(@TempDir Path dir) throws Exception {
        // One self-signed pair is both sides' key and trust (the JDK trusts a key entry's own certificate):
        // one keytool run instead of six, and still every ssl.* setting is exercised.
        Path serverKs = keytool(dir, "registry");
        Path clientKs = serverKs;
        Path trust = serverKs;

        SSLContext serverTls = SSLContext.getInstance("TLSv1.3");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(serverKs), "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trust));
        serverTls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        try (var registry = new EmbeddedSchemaRegistry().withTls(serverTls, true).start()) {
            assertThat(registry.url()).startsWith("https://127.0.0.1:");
            Map<String, Object> config = new HashMap<>();
            config.put(RegistryConfig.URL, registry.url());
            config.put("schema.registry.ssl.truststore.location", trust.toString());
            config.put("schema.registry.ssl.truststore.password", "changeit");
            config.put("schema.registry.ssl.truststore.type", "PKCS12");
            config.put("schema.registry.ssl.keystore.location", clientKs.toString());
            config.put("schema.registry.ssl.keystore.password", "changeit");
            config.put("schema.registry.ssl.keystore.type", "PKCS12");
            String topic = Samples.topic("tls");
            try (var serde = GenstreamSerdes.forClass(PromptRequest.class, config, false)) {
                byte[] bytes = serde.serializer().serialize(topic, Samples.prompt("r-tls"));
                assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(Samples.prompt("r-tls"));
            }
            // Without the client certificate the handshake fails: that is a connection error.
            config.remove("schema.registry.ssl.keystore.location");
            try (var c = SchemaRegistryClient.fromConfig(config)) {
                SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                        () -> c.latest(topic + "-value"));
                assertThat(e.status()).isEqualTo(SchemaRegistryException.UNREACHABLE);
            }
        }
    }

    private static Path keytool(Path dir, String alias) throws Exception {
        Path ks = dir.resolve(alias + ".p12");
        run(dir, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        return ks;
    }

    private static void run(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
    }

    private static KeyStore load(Path path) throws IOException, java.security.GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }
}
