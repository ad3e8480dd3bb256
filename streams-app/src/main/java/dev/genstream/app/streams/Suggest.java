package dev.genstream.app.streams;

import java.util.List;
import java.util.Locale;

/** "Did you mean": the known name nearest to a misspelled one, if it is near enough to be a typo. */
public final class Suggest {
    private Suggest() {}

    /** The closest of {@code known} to {@code given} (compared without case, '_', '-' or '.'), or null. */
    public static String closest(String given, List<String> known) {
        String g = norm(given);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            String kn = norm(k);
            String tail = norm(k.substring(k.lastIndexOf('.') + 1));
            int d = Math.min(distance(g, kn), distance(g, tail));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        // A typo: at most 2 edits, and fewer than a third of the name.
        return best != null && bestDistance <= Math.min(2, Math.max(1, g.length() / 3)) ? best : null;
    }

    private static String norm(String s) {
        return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
