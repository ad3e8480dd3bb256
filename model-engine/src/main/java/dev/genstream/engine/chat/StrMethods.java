package dev.genstream.engine.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python {@code str} methods, keeping user marks on every character that survives. */
final class StrMethods {
    private StrMethods() {}

    static Object call(PyStr s, String name, List<Object> a, Map<String, Object> kw) {
        return switch (name) {
            case "strip" -> strip(s, arg(a, kw, 0, "chars"), true, true);
            case "lstrip" -> strip(s, arg(a, kw, 0, "chars"), true, false);
            case "rstrip" -> strip(s, arg(a, kw, 0, "chars"), false, true);
            case "split" -> split(s, arg(a, kw, 0, "sep"), maxsplit(arg(a, kw, 1, "maxsplit")));
            case "rsplit" -> rsplit(s, arg(a, kw, 0, "sep"), maxsplit(arg(a, kw, 1, "maxsplit")));
            case "splitlines" -> splitlines(s, Py.truthy(arg(a, kw, 0, "keepends")));
            case "startswith" -> affix(s, arg(a, kw, 0, "prefix"), true);
            case "endswith" -> affix(s, arg(a, kw, 0, "suffix"), false);
            case "replace" -> replace(s, str(arg(a, kw, 0, "old")), str(arg(a, kw, 1, "new")),
                    arg(a, kw, 2, "count") == null ? -1 : Py.toLong(arg(a, kw, 2, "count")));
            case "upper" -> map(s, true);
            case "lower" -> map(s, false);
            case "title" -> title(s);
            case "capitalize" -> s.length() == 0 ? s
                    : map(s.substring(0, 1), true).concat(map(s.substring(1), false));
            case "swapcase" -> swapcase(s);
            case "casefold" -> map(s, false);
            case "find" -> (long) s.text.indexOf(str(a.get(0)).text);
            case "rfind" -> (long) s.text.lastIndexOf(str(a.get(0)).text);
            case "index", "rindex" -> {
                int i = name.equals("index") ? s.text.indexOf(str(a.get(0)).text) : s.text.lastIndexOf(str(a.get(0)).text);
                if (i < 0) throw Py.typeError("substring not found");
                yield (long) i;
            }
            case "count" -> count(s.text, str(a.get(0)).text);
            case "join" -> join(s, Py.iterate(a.get(0)));
            case "format" -> Format.format(s, a, kw);
            case "isdigit", "isnumeric", "isdecimal" -> !s.text.isEmpty() && s.text.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.text.isEmpty() && s.text.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.text.isEmpty() && s.text.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.text.isEmpty() && s.text.chars().allMatch(Py::isSpace);
            case "isupper" -> s.text.codePoints().anyMatch(Character::isUpperCase)
                    && s.text.codePoints().noneMatch(Character::isLowerCase);
            case "islower" -> s.text.codePoints().anyMatch(Character::isLowerCase)
                    && s.text.codePoints().noneMatch(Character::isUpperCase);
            case "removeprefix" -> s.text.startsWith(str(a.get(0)).text) ? s.substring(str(a.get(0)).length()) : s;
            case "removesuffix" -> s.text.endsWith(str(a.get(0)).text) && str(a.get(0)).length() > 0
                    ? s.substring(0, s.length() - str(a.get(0)).length()) : s;
            case "zfill" -> pad(s, Py.toLong(a.get(0)), "0", true);
            case "ljust" -> pad(s, Py.toLong(a.get(0)), fill(a), false);
            case "rjust" -> pad(s, Py.toLong(a.get(0)), fill(a), true);
            case "center" -> center(s, Py.toLong(a.get(0)), fill(a));
            case "partition", "rpartition" -> partition(s, str(a.get(0)), name.equals("partition"));
            default -> throw Py.typeError("'str' object has no attribute '" + name + "'");
        };
    }

    static boolean has(String name) {
        return switch (name) {
            case "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "replace",
                 "upper", "lower", "title", "capitalize", "swapcase", "casefold", "find", "rfind", "index", "rindex",
                 "count", "join", "format", "isdigit", "isnumeric", "isdecimal", "isalpha", "isalnum", "isspace",
                 "isupper", "islower", "removeprefix", "removesuffix", "zfill", "ljust", "rjust", "center",
                 "partition", "rpartition" -> true;
            default -> false;
        };
    }

    private static Object arg(List<Object> a, Map<String, Object> kw, int i, String name) {
        if (i < a.size()) return a.get(i);
        return kw.get(name);
    }

    private static PyStr str(Object v) {
        if (v instanceof PyStr s) return s;
        if (v instanceof Undefined u) throw u.fail();
        throw Py.typeError("must be str, not " + Py.typeName(v));
    }

    private static String fill(List<Object> a) {
        return a.size() > 1 ? str(a.get(1)).text : " ";
    }

    private static long maxsplit(Object v) {
        return v == null ? -1 : Py.toLong(v);
    }

    static PyStr strip(PyStr s, Object chars, boolean left, boolean right) {
        String cs = chars == null ? null : str(chars).text;
        String t = s.text;
        int from = 0, to = t.length();
        if (left) while (from < to && stripped(t.charAt(from), cs)) from++;
        if (right) while (to > from && stripped(t.charAt(to - 1), cs)) to--;
        return s.substring(from, to);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Py.isSpace(c) : chars.indexOf(c) >= 0;
    }

    static List<Object> split(PyStr s, Object sep, long max) {
        List<Object> out = new ArrayList<>();
        String t = s.text;
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < t.length() && Py.isSpace(t.charAt(i))) i++;
                if (i >= t.length()) break;
                if (max >= 0 && out.size() >= max) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < t.length() && !Py.isSpace(t.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        String p = str(sep).text;
        if (p.isEmpty()) throw Py.typeError("empty separator");
        int i = 0;
        while (max < 0 || out.size() < max) {
            int j = t.indexOf(p, i);
            if (j < 0) break;
            out.add(s.substring(i, j));
            i = j + p.length();
        }
        out.add(s.substring(i));
        return out;
    }

    static List<Object> rsplit(PyStr s, Object sep, long max) {
        if (max < 0) return split(s, sep, max);
        List<Object> out = new ArrayList<>();
        String t = s.text;
        if (sep == null) {
            int j = t.length();
            while (true) {
                while (j > 0 && Py.isSpace(t.charAt(j - 1))) j--;
                if (j <= 0) break;
                if (out.size() >= max) {
                    out.addFirst(strip(s.substring(0, j), null, true, false));
                    break;
                }
                int i = j;
                while (i > 0 && !Py.isSpace(t.charAt(i - 1))) i--;
                out.addFirst(s.substring(i, j));
                j = i;
            }
            return out;
        }
        String p = str(sep).text;
        int j = t.length();
        while (out.size() < max) {
            int i = t.lastIndexOf(p, j - p.length());
            if (i < 0) break;
            out.addFirst(s.substring(i + p.length(), j));
            j = i;
        }
        out.addFirst(s.substring(0, j));
        return out;
    }

    static List<Object> splitlines(PyStr s, boolean keepends) {
        List<Object> out = new ArrayList<>();
        String t = s.text;
        int start = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85
                    || c == 0x2028 || c == 0x2029) {
                int end = i;
                if (c == '\r' && i + 1 < t.length() && t.charAt(i + 1) == '\n') i++;
                out.add(s.substring(start, keepends ? i + 1 : end));
                start = i + 1;
            }
        }
        if (start < t.length()) out.add(s.substring(start));
        return out;
    }

    private static boolean affix(PyStr s, Object what, boolean prefix) {
        if (what instanceof List<?> options) {
            for (Object o : options) if (affix(s, o, prefix)) return true;
            return false;
        }
        String w = str(what).text;
        return prefix ? s.text.startsWith(w) : s.text.endsWith(w);
    }

    static PyStr replace(PyStr s, PyStr old, PyStr rep, long count) {
        String t = s.text;
        PyStr.Builder b = new PyStr.Builder();
        if (old.length() == 0) {
            long n = 0;
            for (int i = 0; i <= t.length(); i++) {
                if (count < 0 || n++ < count) b.append(rep);
                if (i < t.length()) b.append(s.substring(i, i + 1));
            }
            return b.build();
        }
        int i = 0;
        long n = 0;
        while (count < 0 || n < count) {
            int j = t.indexOf(old.text, i);
            if (j < 0) break;
            b.append(s.substring(i, j)).append(rep);
            i = j + old.length();
            n++;
        }
        return n == 0 ? s : b.append(s.substring(i)).build();
    }

    /** Case mapping; where the length changes (e.g. ß → SS) the result is marked as a whole. */
    private static PyStr map(PyStr s, boolean upper) {
        String t = upper ? s.text.toUpperCase(Locale.ROOT) : s.text.toLowerCase(Locale.ROOT);
        return sameShape(s, t);
    }

    private static PyStr sameShape(PyStr s, String t) {
        if (t.length() != s.length()) return PyStr.derived(t, s);
        PyStr.Builder b = new PyStr.Builder();
        for (int i = 0; i < t.length(); i++) b.append(t.charAt(i), s.isUser(i));
        return b.build();
    }

    private static PyStr title(PyStr s) {
        StringBuilder sb = new StringBuilder();
        boolean prevCased = false;
        for (int i = 0; i < s.text.length(); ) {
            int c = s.text.codePointAt(i);
            i += Character.charCount(c);
            if (prevCased) sb.appendCodePoint(Character.toLowerCase(c));
            else if (Character.toTitleCase(c) == c && new String(Character.toChars(c)).toUpperCase(Locale.ROOT).length() > 1) {
                String up = new String(Character.toChars(c)).toUpperCase(Locale.ROOT); // full mapping: ß -> Ss
                sb.append(up.charAt(0)).append(up.substring(1).toLowerCase(Locale.ROOT));
            } else sb.appendCodePoint(Character.toTitleCase(c));
            prevCased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
        }
        return sameShape(s, sb.toString());
    }

    private static PyStr swapcase(PyStr s) {
        StringBuilder sb = new StringBuilder();
        s.text.codePoints().forEach(c -> sb.appendCodePoint(
                Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)));
        return sameShape(s, sb.toString());
    }

    private static long count(String t, String sub) {
        if (sub.isEmpty()) return t.length() + 1;
        long n = 0;
        for (int i = t.indexOf(sub); i >= 0; i = t.indexOf(sub, i + sub.length())) n++;
        return n;
    }

    static PyStr join(PyStr sep, List<Object> items) {
        PyStr.Builder b = new PyStr.Builder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) b.append(sep);
            if (!(items.get(i) instanceof PyStr p)) {
                throw Py.typeError("sequence item " + i + ": expected str instance, " + Py.typeName(items.get(i))
                        + " found");
            }
            b.append(p);
        }
        return b.build();
    }

    private static PyStr pad(PyStr s, long width, String fill, boolean left) {
        if (s.length() >= width) return s;
        PyStr f = PyStr.of(fill.repeat((int) (width - s.length())));
        return left ? f.concat(s) : s.concat(f);
    }

    private static PyStr center(PyStr s, long width, String fill) {
        if (s.length() >= width) return s;
        long total = width - s.length();
        long left = total / 2 + (total & width & 1);
        return PyStr.of(fill.repeat((int) left)).concat(s).concat(PyStr.of(fill.repeat((int) (total - left))));
    }

    private static Tuple partition(PyStr s, PyStr sep, boolean first) {
        int i = first ? s.text.indexOf(sep.text) : s.text.lastIndexOf(sep.text);
        if (i < 0) {
            return first ? new Tuple(s, PyStr.EMPTY, PyStr.EMPTY) : new Tuple(PyStr.EMPTY, PyStr.EMPTY, s);
        }
        return new Tuple(s.substring(0, i), s.substring(i, i + sep.length()), s.substring(i + sep.length()));
    }
}
