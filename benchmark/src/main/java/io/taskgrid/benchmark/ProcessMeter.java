package io.taskgrid.benchmark;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/** Heap and CPU of this JVM, and CPU of its child processes (the Kafka broker and Redis). */
final class ProcessMeter {
  /**
   * CPU and GC counters at one instant.
   *
   * @param ownCpuNanos CPU time of this JVM (coordinator, worker, benchmark)
   * @param childCpuNanos CPU time of the child processes (Kafka, Redis)
   */
  record Sample(long nanoTime, long ownCpuNanos, long childCpuNanos, long gcCount, long gcMillis) {
    /** Between {@code this} and a later sample. */
    Usage until(Sample later) {
      double seconds = (later.nanoTime - nanoTime) / 1e9;
      return new Usage(seconds, (later.ownCpuNanos - ownCpuNanos) / 1e9 / seconds, (later.childCpuNanos - childCpuNanos) / 1e9 / seconds,
          later.gcCount - gcCount, later.gcMillis - gcMillis);
    }
  }

  /** Average CPU, in cores (1.0 = one core busy), and GC activity over a time span. */
  record Usage(double seconds, double ownCores, double childCores, long gcCount, long gcMillis) {}

  private ProcessMeter() {}

  static Sample sample() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long children = ProcessHandle.current().children()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new Sample(System.nanoTime(), os.getProcessCpuTime(), children, gcCount, gcMillis);
  }

  /** Heap in use after a full collection: what the live objects take. */
  static long heapAfterFullGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long committedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
    }
  }

  /** Sum of the heap pools' peaks since the last reset (an upper bound of the heap's peak). */
  static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) total += pool.getPeakUsage().getUsed();
    }
    return total;
  }

  /** The first {@code rows} classes of the live-object histogram (as {@code jcmd GC.class_histogram}; runs a full GC). */
  static String classHistogram(int rows) throws Exception {
    String all = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
    List<String> lines = all.lines().toList();
    List<String> shown = new ArrayList<>(lines.subList(0, Math.min(lines.size(), rows + 2)));
    shown.add(lines.get(lines.size() - 1)); // the total
    return String.join("\n", shown);
  }
}
