package dev.genstream.app.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** Builds the TLS context from {@code schema.registry.ssl.*} key and trust stores. */
final class SslContexts {
    private SslContexts() {
    }

    static SSLContext create(RegistryConfig.Ssl ssl) {
        try {
            TrustManagerFactory tmf = null;
            if (ssl.truststoreLocation() != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(ssl.truststoreLocation(), ssl.truststoreType(), ssl.truststorePassword()));
            }
            KeyManagerFactory kmf = null;
            if (ssl.keystoreLocation() != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = ssl.keyPassword() != null ? ssl.keyPassword() : ssl.keystorePassword();
                kmf.init(load(ssl.keystoreLocation(), ssl.keystoreType(), ssl.keystorePassword()),
                        keyPassword == null ? null : keyPassword.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance(ssl.protocol());
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String location, String type, String password)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}
