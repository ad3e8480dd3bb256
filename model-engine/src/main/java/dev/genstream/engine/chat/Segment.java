package dev.genstream.engine.chat;

/** A run of rendered text that came either from the template itself or from user content. */
public record Segment(String text, boolean userContent) {}
