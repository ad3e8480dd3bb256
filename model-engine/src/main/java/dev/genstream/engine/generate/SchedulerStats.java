package dev.genstream.engine.generate;

/**
 * What the scheduler has done so far and holds now, read without locking (each field is published by the
 * scheduler thread on its own, so a snapshot may mix two adjacent steps). Plain numbers for any metrics library.
 *
 * @param steps          forward passes run
 * @param generated      tokens sampled
 * @param prefilled      prompt (and resumed) tokens run through the model before sampling
 * @param live           sequences in the batch now
 * @param queued         submitted requests waiting for a batch slot
 * @param lastBatch      sequences in the last forward pass
 * @param maxBatch       the batch limit
 * @param kvBytes        KV-cache bytes held by the live sequences
 */
public record SchedulerStats(long steps, long generated, long prefilled, int live, int queued, int lastBatch, int maxBatch, long kvBytes) {
    /** The last step's share of the batch limit, 0 to 1. */
    public double batchOccupancy() {
        return (double) lastBatch / maxBatch;
    }

    /** Timing events, called on the scheduler thread: keep them quick and never throw. */
    public interface Listener {
        /** A request's first sampled token, {@code nanos} after it was submitted. */
        default void firstToken(long nanos) {}

        /** One forward pass over {@code sequences} sequences that sampled {@code sampled} tokens in {@code nanos}. */
        default void stepped(int sequences, int sampled, long nanos) {}
    }
}
