package dev.genstream.engine.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Says on the console why a test or a test class did not run (a failed assumption such as ../shared being absent,
 * @Disabled, no Docker), so a skip is never silent. The JUnit Platform loads it through the ServiceLoader file.
 */
public final class SkipReporter implements TestExecutionListener {
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        System.out.println("[skipped] " + name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            System.out.println("[skipped] " + name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    /** Class > method > invocation, without the engine's own name. */
    private String name(TestIdentifier test) {
        StringBuilder b = new StringBuilder(test.getDisplayName());
        for (var p = plan == null ? java.util.Optional.<TestIdentifier>empty() : plan.getParent(test);
             p.isPresent() && p.get().getParentId().isPresent(); p = plan.getParent(p.get())) {
            b.insert(0, p.get().getDisplayName() + " > ");
        }
        return b.toString();
    }
}
