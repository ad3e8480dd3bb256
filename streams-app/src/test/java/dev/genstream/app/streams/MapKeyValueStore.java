package dev.genstream.app.streams;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A key-value store on a TreeMap, for testing code that keeps state in a store without running Kafka Streams. */
final class MapKeyValueStore<K extends Comparable<K>, V> implements KeyValueStore<K, V> {
    final TreeMap<K, V> map = new TreeMap<>();

    @Override
    public void put(K key, V value) {
        if (value == null) map.remove(key);
        else map.put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = map.get(key);
        if (old == null) put(key, value);
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public V delete(K key) {
        return map.remove(key);
    }

    @Override
    public V get(K key) {
        return map.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return iterator(map.subMap(from, true, to, true));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return iterator(map);
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    private KeyValueIterator<K, V> iterator(Map<K, V> m) {
        Iterator<Map.Entry<K, V>> it = new TreeMap<>(m).entrySet().iterator(); // a snapshot, as RocksDB's
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                Map.Entry<K, V> e = it.next();
                return KeyValue.pair(e.getKey(), e.getValue());
            }

            @Override
            public K peekNextKey() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String name() {
        return "map";
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
