package io.mmsim.workload;

import io.mmsim.kernel.mm.Mempolicy;

/**
 * NUMA memory policy operations: {@code set_mempolicy PID POLICY} (the task's policy, {@code
 * set_mempolicy(2)}) and {@code mbind PID HANDLE POLICY} (the policy of a mapping's areas, {@code
 * mbind(2)} without {@code MPOL_MF_MOVE}). POLICY is {@code default}, {@code preferred=NODE},
 * {@code bind=NODES} or {@code interleave=NODES}, NODES a node list such as {@code 0-1,3}.
 */
final class MempolicyOps {
  private MempolicyOps() {}

  private static final String POLICIES = "default|bind=NODES|preferred=NODE|interleave=NODES";
  private static final String SET_USAGE = "set_mempolicy PID " + POLICIES;
  private static final String MBIND_USAGE = "mbind PID HANDLE " + POLICIES;

  static void register(Operations ops) {
    ops.add("set_mempolicy", SET_USAGE, MempolicyOps::setMempolicy);
    ops.add("mbind", MBIND_USAGE, MempolicyOps::mbind);
  }

  static void setMempolicy(Replay r, Args a) {
    Mempolicy pol = policy(r, a, 1, SET_USAGE);
    int pid = livePid(r, a);
    ProcessOps.processes(r, a.op()).setMempolicy(pid, pol);
  }

  static void mbind(Replay r, Args a) {
    Mempolicy pol = policy(r, a, 2, MBIND_USAGE);
    int pid = livePid(r, a);
    Handle h = r.handle(a.get(1, "HANDLE"), Handle.Kind.MAPPING);
    if (h.pid != pid) {
      throw new BadLineException(
          "mbind: handle '"
              + a.get(1, "HANDLE")
              + "' is a mapping of process "
              + h.pid
              + ", not "
              + pid);
    }
    ProcessOps.processes(r, a.op()).mbind(pid, h.value, h.size, pol);
  }

  /** The policy: a positional {@code default} after {@code fixed} arguments, or one option. */
  private static Mempolicy policy(Replay r, Args a, int fixed, String usage) {
    a.allowOptions("bind", "preferred", "interleave");
    a.expect(fixed, fixed + 1, usage);
    String text = null;
    int given = 0;
    if (a.positional() == fixed + 1) {
      text = a.get(fixed, "POLICY");
      given++;
    }
    for (String mode : new String[] {"bind", "preferred", "interleave"}) {
      String v = a.option(mode);
      if (v != null) {
        text = mode + "=" + v;
        given++;
      }
    }
    if (given != 1) {
      throw new BadLineException(
          a.op()
              + ": "
              + (given == 0 ? "needs a policy" : "takes one policy")
              + " ("
              + usage
              + ")");
    }
    try {
      return Mempolicy.parse(text, r.kernel().layout().nodes());
    } catch (IllegalArgumentException e) {
      throw new BadLineException(a.op() + ": " + e.getMessage());
    }
  }

  private static int livePid(Replay r, Args a) {
    long v = a.number(0, "PID");
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new BadLineException(a.op() + ": PID " + v + " must be positive");
    }
    int pid = (int) v;
    if (!ProcessOps.processes(r, a.op()).isAlive(pid)) {
      throw new BadLineException(a.op() + ": process " + pid + " is not alive");
    }
    return pid;
  }
}
