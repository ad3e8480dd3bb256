package dev.genstream.app.streams;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Samples another JVM on this machine every few seconds: heap used right after a full GC (over JMX, through the
 * attach API's local management agent) and resident set size ({@code VmRSS} of {@code /proc/PID/status}).
 */
final class JvmMemorySampler implements AutoCloseable {
    /** One sample: when (ms since start), heap after GC and RSS (bytes), and {@code progress} (e.g. completions) then. */
    record Sample(long atMs, long heapBytes, long rssBytes, long progress) {}

    private final long pid;
    private final JMXConnector jmx;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> heapPools;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    /** Attaches to {@code pid} (retrying while that JVM starts) and samples every {@code periodMs}. */
    JvmMemorySampler(long pid, long periodMs, LongSupplier progress) throws Exception {
        this.pid = pid;
        jmx = JMXConnectorFactory.connect(new JMXServiceURL(localAgent(pid)));
        memory = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        heapPools = ManagementFactory.getPlatformMXBeans(jmx.getMBeanServerConnection(), MemoryPoolMXBean.class).stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        long t0 = System.currentTimeMillis();
        thread = Thread.ofPlatform().daemon().name("memory-sampler").start(() -> {
            while (!stop) {
                try {
                    long p = progress.getAsLong();
                    memory.gc();
                    Sample s = new Sample(System.currentTimeMillis() - t0, heapAfterGc(), rss(), p);
                    synchronized (samples) {
                        samples.add(s);
                    }
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!stop) throw new IllegalStateException("sampling JVM " + pid + " failed", e);
                }
            }
        });
    }

    private static String localAgent(long pid) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
                try {
                    return vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(500); // the JVM is still starting
            }
        }
    }

    /**
     * The pools' usage right after their last collection. Reading the heap's current usage after {@code gc()}
     * instead would count whatever the service allocated during the round trips (tens of MB on a loaded machine).
     */
    private long heapAfterGc() {
        long used = 0;
        for (MemoryPoolMXBean p : heapPools) used += p.getCollectionUsage().getUsed();
        return used;
    }

    private long rss() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Least-squares slope of {@code y} over {@code x}. */
    static double slope(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    @Override
    public void close() throws Exception {
        stop = true;
        thread.interrupt();
        thread.join(30_000);
        jmx.close();
    }
}
