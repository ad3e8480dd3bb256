package dev.genstream.app.streams;

import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;

/**
 * After each rebalance, one line naming the tasks (partition groups: {@code subtopology_partition}) this instance
 * took over and handed over, so an operator can tell a migration from a rebalance that changed nothing.
 */
final class TaskMoves {
    private static final Logger LOG = Logger.getLogger(TaskMoves.class.getName());

    private Set<String> owned; // null until the first assignment

    /** Called on the stream thread that moved the client to RUNNING. */
    synchronized void log(KafkaStreams streams) {
        Set<String> now = new TreeSet<>();
        try {
            for (ThreadMetadata t : streams.metadataForLocalThreads()) {
                for (TaskMetadata task : t.activeTasks()) now.add(task.taskId().toString());
            }
        } catch (RuntimeException e) { // the client stopped meanwhile
            return;
        }
        if (owned == null) {
            LOG.info("tasks assigned to this instance: " + now);
        } else if (!now.equals(owned)) {
            Set<String> gained = new TreeSet<>(now), lost = new TreeSet<>(owned);
            gained.removeAll(owned);
            lost.removeAll(now);
            LOG.info("tasks migrated: this instance took over " + gained + " (their requests resume after their last committed token, "
                    + "after restoring state) and handed over " + lost + " (they continue on another instance); nothing to do");
        }
        owned = now;
    }
}
