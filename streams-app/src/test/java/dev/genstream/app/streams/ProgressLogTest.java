package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.schemas.PromptRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress store as deltas: what a restore rebuilds, from new and from pre-delta stores, and what finishing leaves. */
class ProgressLogTest {
    private final MapKeyValueStore<String, byte[]> store = new MapKeyValueStore<>();
    private final ProgressLog log = new ProgressLog(store);

    private static Progress progress(String id, int... tokens) {
        PromptRequest r = PromptRequest.newBuilder().setRequestId(id).setPrompt("In the beginning")
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
        return new Progress(r, new Origin("prompts", 1, 42, id.getBytes(), new byte[] {0, 1, 2}), tokens, 1_700_000_000_123L);
    }

    @Test
    void eachRoundStoresOnlyItsNewTokensAndARestoreJoinsThemInOrder() {
        ProgressLog.Request a = log.add("a", progress("a"));
        ProgressLog.Request b = log.add("b", progress("b"));
        int headBytes = store.get("a").length;
        a.append(new int[] {5, 6});
        b.append(new int[] {9});
        a.append(new int[] {7});
        a.append(new int[0]); // a round without tokens writes nothing
        a.append(new int[] {8, 1000000, 3});
        assertThat(store.get("a")).as("the request is written once").hasSize(headBytes);
        assertThat(store.map).hasSize(6);
        assertThat(store.map.values().stream().filter(v -> v[0] == 2).mapToInt(v -> v.length).sum())
                .as("runs hold 4 bytes a token, plus a tag").isEqualTo(7 * 4 + 4);

        List<ProgressLog.Request> restored = new ProgressLog(store).restore();
        assertThat(restored).extracting(ProgressLog.Request::id).containsExactlyInAnyOrder("a", "b");
        ProgressLog.Request ra = restored.stream().filter(r -> r.id().equals("a")).findFirst().orElseThrow();
        assertThat(ra.tokens()).containsExactly(5, 6, 7, 8, 1000000, 3);
        Progress p = ra.progress();
        assertThat(p.request()).isEqualTo(progress("a").request());
        assertThat(p.origin().offset()).isEqualTo(42);
        assertThat(p.origin().value()).containsExactly(0, 1, 2);
        assertThat(p.arrivedAt()).isEqualTo(1_700_000_000_123L);

        ra.append(new int[] {4}); // a resumed request keeps appending after its restored runs
        assertThat(new ProgressLog(store).restore().stream().filter(r -> r.id().equals("a")).findFirst().orElseThrow().tokens())
                .containsExactly(5, 6, 7, 8, 1000000, 3, 4);
        ra.delete();
        assertThat(store.map.keySet()).as("finishing deletes the request and every run").containsExactly("b", "b\u00000");
    }

    /** A store written before deltas holds whole Progress values, tokens included: they restore as they were. */
    @Test
    void aPreDeltaEntryRestoresWithItsTokensAndTakesRunsAfterThem() {
        store.put("old", progress("old", 11, 12, 13).toBytes());
        ProgressLog.Request r = new ProgressLog(store).restore().getFirst();
        assertThat(r.tokens()).containsExactly(11, 12, 13);
        r.append(new int[] {14, 15});
        assertThat(store.map.keySet()).containsExactly("old", "old\u00003");
        assertThat(new ProgressLog(store).restore().getFirst().tokens()).containsExactly(11, 12, 13, 14, 15);
        r.delete();
        assertThat(store.map).isEmpty();
    }

    @Test
    void aGapInTheRunsIsRefusedNotPapered() {
        log.add("a", progress("a")).append(new int[] {1, 2});
        byte[] run = store.get("a\u00000");
        store.delete("a\u00000");
        store.put("a\u00001", run);
        assertThatThrownBy(() -> new ProgressLog(store).restore()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("progress of a is broken: a run starts at token 1 after 0 tokens");
    }

    @Test
    void aRunWithoutItsRequestIsDeleted() {
        log.add("a", progress("a")).append(new int[] {1});
        store.put("gone\u00005", store.get("a\u00000"));
        assertThat(new ProgressLog(store).restore()).extracting(ProgressLog.Request::id).containsExactly("a");
        assertThat(store.map.keySet()).containsExactly("a", "a\u00000");
    }

    /** A run's key is its request's id, NUL, an index: no request id may hold a NUL, so no run key is an id. */
    @Test
    void requestIdsWithTheSeparatorAreRefused() {
        PromptRequest r = progress("x\u00007").request();
        assertThat(RequestRules.check(r, 2048)).extracting(RequestRules.Violation::toString)
                .containsExactly("request_id contains a NUL character (U+0000)");
        assertThat(RequestRules.check(progress("x7").request(), 2048)).isEmpty();
    }
}
