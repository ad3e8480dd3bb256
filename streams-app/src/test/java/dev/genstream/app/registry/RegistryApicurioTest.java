package dev.genstream.app.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry contract against a real Apicurio Registry 3 through its Confluent-compatible API. */
@ExtendWith(ApicurioRegistryExtension.class)
class RegistryApicurioTest extends RegistryContract {
    static ApicurioRegistryExtension.Apicurio apicurio;

    @BeforeAll
    static void registry(ApicurioRegistryExtension.Apicurio registry) {
        apicurio = registry;
    }

    @Override
    String registryUrl() {
        return apicurio.ccompatUrl();
    }

    @Test
    void theRegistryIsAChildProcessOnLoopback() {
        assertThat(apicurio.ccompatUrl()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");
        assertThat(ProcessHandle.of(apicurio.pid())).hasValueSatisfying(p -> {
            assertThat(p.isAlive()).isTrue();
            assertThat(p.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
        });
    }
}
