package io.mmsim.workload;

/**
 * One workload operation. Each is a small method registered by name in {@link Operations}; it
 * checks its arguments, calls the kernel, and throws {@link BadLineException} (or lets an mm-api
 * exception through) when the line cannot run. An operation must not change the simulator before it
 * knows the line is good.
 */
@FunctionalInterface
interface Operation {

  /** Runs the line's operation. */
  void run(Replay r, Args a);
}
