package dev.genstream.engine.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still turn into a stop string is held back, so a stop
 * string is never emitted, even when it arrives split across tokens.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    boolean stopped() {
        return stopped;
    }

    /** Adds text and returns the part that is now safe to release (all text before a stop string, if one appeared). */
    String push(String delta) {
        if (stopped) return "";
        held.append(delta);
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            stopped = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        int keep = longestSuffixThatStartsAStop();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Releases whatever is held (generation ended for another reason). */
    String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    private int longestSuffixThatStartsAStop() {
        String text = held.toString();
        int best = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
