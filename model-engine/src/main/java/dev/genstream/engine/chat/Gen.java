package dev.genstream.engine.chat;

import java.util.List;

/** What Jinja's {@code map}/{@code select}/... return: a Python generator (iterable, not a list, no length). */
record Gen(List<Object> items) {}
