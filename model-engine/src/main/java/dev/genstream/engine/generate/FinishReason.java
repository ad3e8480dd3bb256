package dev.genstream.engine.generate;

/** Why a generation ended: a stop string, the token limit (or a full context), or an end-of-generation token. */
public enum FinishReason {
    STOP, LENGTH, EOS;

    /** The lower-case name used on the wire and in the CLI. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
