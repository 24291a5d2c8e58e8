package io.mmsim.workload;

import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of workload operations by name. Adding an operation is one method and one {@link
 * #add} line in the group class that owns it.
 */
final class Operations {
  private final Map<String, Operation> byName = new TreeMap<>();
  private final Map<String, String> usage = new TreeMap<>();

  /** Every operation mmsim knows. */
  public static Operations standard() {
    Operations ops = new Operations();
    PageOps.register(ops);
    ObjectOps.register(ops);
    ProcessOps.register(ops);
    MempolicyOps.register(ops);
    SegmentOps.register(ops);
    return ops;
  }

  /** Registers {@code op} under {@code name} with a one-line usage. */
  public void add(String name, String usageLine, Operation op) {
    if (byName.putIfAbsent(name, op) != null) {
      throw new IllegalStateException("operation " + name + " registered twice");
    }
    usage.put(name, usageLine);
  }

  /** The operation called {@code name}, or null. */
  public Operation find(String name) {
    return byName.get(name);
  }

  /** Usage lines by operation name. */
  public Map<String, String> usage() {
    return usage;
  }
}
