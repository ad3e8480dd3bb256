package dev.genstream.engine.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Says on the console why a test did not run (an assumption, such as ../shared being absent, or @Disabled), so a
 * skip is never silent. Registered for every test through the ServiceLoader file and JUnit's extension autodetection.
 */
public final class SkipReporter implements TestWatcher {
    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.out.println("[skipped] " + name(context) + ": " + cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        System.out.println("[skipped] " + name(context) + ": " + reason.orElse("disabled"));
    }

    private static String name(ExtensionContext c) {
        String method = c.getRequiredTestMethod().getName();
        String display = c.getDisplayName();
        return c.getRequiredTestClass().getSimpleName() + "." + method + (display.startsWith(method + "(") ? "" : " " + display);
    }
}
