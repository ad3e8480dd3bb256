package dev.genstream.app.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genstream.app.jobs.AvroJson;
import dev.genstream.schemas.PromptRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The last requests this gateway put on Kafka, exactly as sent (topic, partition, offset, key, value), for the page. */
final class RecentRequests {
    private final int capacity;
    private final Map<String, ObjectNode> records = new LinkedHashMap<>();

    RecentRequests(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(String key, PromptRequest r, RecordMetadata at) {
        ObjectNode o = AvroJson.MAPPER.createObjectNode();
        o.put("topic", at.topic()).put("partition", at.partition()).put("offset", at.offset()).put("key", key);
        o.set("value", AvroJson.record(r));
        records.put(r.getRequestId(), o);
        if (records.size() > capacity) records.remove(records.keySet().iterator().next());
    }

    synchronized ObjectNode get(String requestId) {
        return records.get(requestId);
    }
}
