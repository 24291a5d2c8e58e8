package io.mmsim.workload;

/**
 * Watches a replay as it goes: research code that wants more than the final {@link RunResult} (a
 * time series of faults, a trace of touched addresses) implements the methods it needs. Every
 * method is called on the replaying thread, after the step it reports; the kernel may be inspected
 * from it but not changed.
 *
 * <p>With no listener, replay costs nothing extra; with one, {@link #reference} is called for every
 * page touch of a memory trace, so it should be cheap.
 */
public interface ReplayListener {

  /**
   * A line of a text workload or a call of a malloc trace has run.
   *
   * @param source the workload's name
   * @param line its 1-based line number
   * @param operation the operation's name ({@code mmap}, {@code kmalloc}; for a malloc trace {@code
   *     malloc}, {@code calloc}, {@code realloc} or {@code free})
   */
  default void operation(String source, long line, String operation) {}

  /**
   * A memory trace has touched a page.
   *
   * @param index the touch's index in the trace (from 0)
   * @param address the virtual address touched (page-aligned)
   * @param access {@code io.mmsim.api.paging.Access.READ}, {@code WRITE} or {@code EXECUTE}
   */
  default void reference(String source, long index, long address, int access) {}

  /** A line an operation printed ({@code read}, {@code kread}, {@code segment}, ...). */
  default void output(String text) {}

  /** A signal delivered or a process killed by the OOM killer, in the kernel's words. */
  default void event(String text) {}

  /** A long memory trace has run {@code references} more records (every 4 Mi of them). */
  default void progress(String source, long references) {}
}
