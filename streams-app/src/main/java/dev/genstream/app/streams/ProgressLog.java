package dev.genstream.app.streams;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The progress store as deltas. A request's entry under its id is its {@link Progress}, written once when it is
 * accepted, in Progress's own format (so a store written before deltas restores as is, tokens and all). Each
 * delivery round then adds only its new tokens, as a run under {@code id + '\0' + index of its first token}: the
 * changelog carries each token once instead of the request and every token so far on every round. A restore joins
 * the runs in index order and refuses a gap; finishing deletes the entry and its runs in the same transaction.
 */
final class ProgressLog {
    private static final char SEP = '\u0000';
    private static final byte RUN = 2; // first byte of a run; a Progress starts with its own version, 1

    private final KeyValueStore<String, byte[]> store;

    ProgressLog(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    boolean contains(String id) {
        return store.get(id) != null;
    }

    /** A newly accepted request, with no tokens yet. */
    Request add(String id, Progress p) {
        store.put(id, p.toBytes());
        return new Request(id, p, new int[0]);
    }

    /** Every request in the store, each with all its committed tokens. */
    List<Request> restore() {
        Map<String, Progress> heads = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, int[]>> runs = new HashMap<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.value[0] != RUN) {
                    heads.put(kv.key, Progress.fromBytes(kv.value));
                    continue;
                }
                int sep = kv.key.lastIndexOf(SEP);
                runs.computeIfAbsent(kv.key.substring(0, sep), k -> new TreeMap<>())
                        .put(Integer.parseInt(kv.key.substring(sep + 1)), decodeRun(kv.value));
            }
        }
        List<Request> out = new ArrayList<>();
        heads.forEach((id, p) -> {
            TreeMap<Integer, int[]> own = runs.remove(id);
            out.add(new Request(id, p, own == null ? new int[0] : own.keySet().stream().mapToInt(Integer::intValue).toArray()));
            if (own != null) own.forEach((start, ids) -> out.getLast().join(start, ids));
        });
        // Runs are deleted with their entry in one transaction, so none can be left alone; if one were, it would leak.
        runs.forEach((id, own) -> own.keySet().forEach(start -> store.delete(runKey(id, start))));
        return out;
    }

    private static String runKey(String id, int start) {
        return id + SEP + start;
    }

    private static byte[] encodeRun(int[] ids) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 * ids.length).put(RUN);
        for (int id : ids) b.putInt(id);
        return b.array();
    }

    private static int[] decodeRun(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        int[] ids = new int[(bytes.length - 1) / 4];
        for (int i = 0; i < ids.length; i++) ids[i] = b.getInt();
        return ids;
    }

    /** One request as this task holds it: the stored Progress, every token delivered so far, and its runs' keys. */
    final class Request {
        private final String id;
        private final Progress head;
        private int[] runStarts;
        private int runs;
        private int[] tokens;
        private int count;

        private Request(String id, Progress head, int[] restoredRuns) {
            this.id = id;
            this.head = head;
            this.runStarts = Arrays.copyOf(restoredRuns, Math.max(8, restoredRuns.length));
            this.runs = restoredRuns.length;
            this.tokens = Arrays.copyOf(head.tokens(), Math.max(16, head.tokens().length));
            this.count = head.tokens().length;
        }

        String id() {
            return id;
        }

        /** The request with every token delivered so far. */
        Progress progress() {
            return new Progress(head.request(), head.origin(), tokens(), head.arrivedAt());
        }

        int[] tokens() {
            return Arrays.copyOf(tokens, count);
        }

        /** Stores {@code ids}, the tokens delivered after all earlier ones, as one run. */
        void append(int[] ids) {
            if (ids.length == 0) return;
            store.put(runKey(id, count), encodeRun(ids));
            if (runs == runStarts.length) runStarts = Arrays.copyOf(runStarts, 2 * runs);
            runStarts[runs++] = count;
            add(ids);
        }

        /** Adds delivered tokens in memory only: the entry is about to be deleted. */
        void add(int[] ids) {
            if (count + ids.length > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(2 * tokens.length, count + ids.length));
            System.arraycopy(ids, 0, tokens, count, ids.length);
            count += ids.length;
        }

        void delete() {
            store.delete(id);
            for (int i = 0; i < runs; i++) store.delete(runKey(id, runStarts[i]));
        }

        private void join(int start, int[] ids) {
            if (start != count) {
                throw new IllegalStateException("progress of " + id + " is broken: a run starts at token " + start + " after " + count + " tokens");
            }
            add(ids);
        }
    }
}
