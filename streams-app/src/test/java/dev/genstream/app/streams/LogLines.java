package dev.genstream.app.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/** The java.util.logging lines of one logger tree in this JVM, captured while open (for asserting on what an operator sees). */
final class LogLines extends Handler implements AutoCloseable {
    private final Logger logger; // held: the logging framework keeps loggers only weakly
    private final List<String> lines = new ArrayList<>();

    private LogLines(Logger logger) {
        this.logger = logger;
        setLevel(Level.ALL);
    }

    static LogLines capture(String loggerName) {
        LogLines l = new LogLines(Logger.getLogger(loggerName));
        l.logger.addHandler(l);
        return l;
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.INFO.intValue()) lines.add(r.getLevel() + " " + r.getLoggerName() + " - " + r.getMessage());
    }

    /** The captured lines in which {@code regex} is found. */
    synchronized List<String> matching(String regex) {
        Pattern p = Pattern.compile(regex);
        return lines.stream().filter(l -> p.matcher(l).find()).toList();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
