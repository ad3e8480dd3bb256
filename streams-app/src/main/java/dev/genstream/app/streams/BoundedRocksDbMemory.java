package dev.genstream.app.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One off-heap budget for every RocksDB store of the process ({@code genstream.rocksdb.memory.bytes}): a shared
 * block cache that also holds index and filter blocks, and memtables charged to it (a write-buffer manager, half the
 * budget). Kafka Streams' default gives each store of each task its own 50 MB cache and up to 3 x 16 MB memtables,
 * so resident memory grows with every write until each memtable first flushes: with 5 stores on 4 partitions that
 * is hundreds of MB, which a soak cannot tell from a leak. The stores hold small records, so the budget is ample.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    private static synchronized void init(long bytes) {
        if (cache != null) return;
        cache = new LRUCache(bytes, -1, false, 0.1);
        writeBuffers = new WriteBufferManager(bytes / 2, cache);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        init(Long.parseLong(String.valueOf(configs.get(GenstreamConfig.ROCKSDB_MEMORY_BYTES))));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBuffers);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store of the process: never closed here.
    }
}
