package dev.genstream.app.jobs;

import java.io.PrintStream;

/** The policy all three senders share: nothing is sent while any line is bad, unless the bad lines are skipped. */
public final class InvalidLines {
    private InvalidLines() {}

    /** Prints every problem; throws when there are any and {@code skip} is off, else reports what is skipped. */
    public static void enforce(PromptLines.Result r, boolean skip, PrintStream err) {
        if (r.problems().isEmpty()) return;
        for (PromptLines.Problem p : r.problems()) err.println((skip ? "skipped " : "") + p);
        int bad = r.badLines().size();
        if (!skip) {
            throw new IllegalArgumentException(bad + " invalid line(s), nothing sent; fix them or pass --skip-invalid");
        }
        err.println("skipped " + bad + " invalid line(s): " + r.badLines());
    }
}
