package dev.genstream.engine.chat;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code strftime} (C locale) for the fixed clock given to a rendering. */
final class Strftime {
    private Strftime() {}

    static String format(LocalDateTime t, String fmt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            boolean noPad = false;
            if (d == '-' && i + 1 < fmt.length()) {
                noPad = true;
                d = fmt.charAt(++i);
            }
            sb.append(switch (d) {
                case 'Y' -> Integer.toString(t.getYear());
                case 'y' -> two(t.getYear() % 100, noPad);
                case 'm' -> two(t.getMonthValue(), noPad);
                case 'd' -> two(t.getDayOfMonth(), noPad);
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'H' -> two(t.getHour(), noPad);
                case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, noPad);
                case 'M' -> two(t.getMinute(), noPad);
                case 'S' -> two(t.getSecond(), noPad);
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'j' -> noPad ? Integer.toString(t.getDayOfYear()) : String.format("%03d", t.getDayOfYear());
                case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
                case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
                case 'F' -> String.format("%d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
                case 'T' -> String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
                case 'D' -> String.format("%02d/%02d/%02d", t.getMonthValue(), t.getDayOfMonth(), t.getYear() % 100);
                case 'f' -> String.format("%06d", t.getNano() / 1000);
                case 'z', 'Z' -> "";
                case '%' -> "%";
                default -> "%" + d;
            });
        }
        return sb.toString();
    }

    private static String two(int v, boolean noPad) {
        return noPad ? Integer.toString(v) : String.format("%02d", v);
    }
}
