package io.mmsim.testkit;

import java.util.List;

/**
 * A kind of operation in a stateful random test ({@code alloc}, {@code free}, ...) with the names
 * of its arguments, used to build {@link Op}s and to print them readably.
 *
 * <p>Declare one constant per kind in the scenario and compare with {@link Op#is(OpKind)}:
 *
 * <pre>{@code
 * static final OpKind ALLOC = new OpKind("alloc", "cpu", "order");
 * ...
 * Op op = ALLOC.op(0, 3);        // prints as alloc(cpu=0, order=3)
 * }</pre>
 *
 * @param name the operation's name
 * @param params the argument names, in order
 */
public record OpKind(String name, List<String> params) {

  /** Validates and copies the parameter names. */
  public OpKind {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an operation kind needs a name");
    }
    params = List.copyOf(params);
  }

  /** A kind called {@code name} whose operations take the arguments {@code params}. */
  public OpKind(String name, String... params) {
    this(name, List.of(params));
  }

  /** Number of arguments an operation of this kind takes. */
  public int arity() {
    return params.size();
  }

  /**
   * An operation of this kind.
   *
   * @throws IllegalArgumentException when the number of arguments differs from {@link #arity()}
   */
  public Op op(long... args) {
    return new Op(this, args);
  }
}
