package io.mmsim.testkit;

import java.util.Arrays;

/**
 * One generated step of a stateful random test: an {@link OpKind} and its {@code long} arguments.
 *
 * <p>Operations are immutable values. Arguments should be chosen so that they stay meaningful when
 * earlier operations are removed by shrinking: refer to live objects by an index that the scenario
 * reduces modulo the number of live objects at execution time ("free the i-th live block"), never
 * by a handle produced by an earlier step.
 */
public final class Op {
  private final OpKind kind;
  private final long[] args;

  Op(OpKind kind, long[] args) {
    if (args.length != kind.arity()) {
      throw new IllegalArgumentException(
          kind.name()
              + " takes "
              + kind.arity()
              + " arguments "
              + kind.params()
              + ", not "
              + args.length);
    }
    this.kind = kind;
    this.args = args.clone();
  }

  /** The kind of this operation. */
  public OpKind kind() {
    return kind;
  }

  /** True when this operation is of {@code k}. */
  public boolean is(OpKind k) {
    return kind.equals(k);
  }

  /** Number of arguments. */
  public int arity() {
    return args.length;
  }

  /** Argument {@code i}. */
  public long arg(int i) {
    return args[i];
  }

  /** Argument {@code i} as an int (the scenario chose its range). */
  public int intArg(int i) {
    return Math.toIntExact(args[i]);
  }

  /** A copy of this operation with argument {@code i} replaced by {@code value}. */
  public Op withArg(int i, long value) {
    long[] a = args.clone();
    a[i] = value;
    return new Op(kind, a);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Op other && kind.equals(other.kind) && Arrays.equals(args, other.args);
  }

  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + Arrays.hashCode(args);
  }

  /** Prints {@code name(param=value, ...)}, e.g. {@code alloc(cpu=0, order=3)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(kind.name()).append('(');
    for (int i = 0; i < args.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(kind.params().get(i)).append('=').append(args[i]);
    }
    return sb.append(')').toString();
  }
}
