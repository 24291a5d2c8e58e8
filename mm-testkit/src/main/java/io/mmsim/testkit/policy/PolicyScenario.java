package io.mmsim.testkit.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;

/**
 * Random operations on one policy with a fixed capacity, against a model that is only the set of
 * resident pages and their accessed bits.
 *
 * <pre>
 *   ref(page)          a reference, driven as the kernel and PolicySimulator do: a hit calls
 *                      access (when wanted); a miss calls miss, victim when full (capacity plus
 *                      overCapacity(); the victim must be resident), insert; then victims while
 *                      more than that are resident; the page's accessed bit is set either way
 *   unmap(index)       the index-th resident page (in page order) leaves: remove
 *   unmapAbsent(page)  remove of a page not resident changes nothing
 *   reclaim()          a victim taken without a fault (kswapd): it must be resident
 *   giveBack()         a victim that could not be evicted goes back: putBack
 * </pre>
 *
 * After every operation the policy's resident count and membership of every page of the universe
 * must equal the model's. The reference string of the sequence (its ref operations) is the policy's
 * future, so that Belady's OPT runs too.
 */
final class PolicyScenario implements Scenario<PolicyScenario.State> {
  static final OpKind REF = new OpKind("ref", "page");
  static final OpKind UNMAP = new OpKind("unmap", "index");
  static final OpKind UNMAP_ABSENT = new OpKind("unmapAbsent", "page");
  static final OpKind RECLAIM = new OpKind("reclaim");
  static final OpKind GIVE_BACK = new OpKind("giveBack");

  private final ReplacementPolicyContract contract;
  private final int capacity;
  private final int universe;

  PolicyScenario(ReplacementPolicyContract contract, int capacity, int universe) {
    this.contract = contract;
    this.capacity = capacity;
    this.universe = universe;
  }

  static final class State {
    final ReplacementPolicy policy;
    final ReferenceString future;
    final TreeSet<Long> resident = new TreeSet<>();
    final Map<Long, Boolean> young = new HashMap<>();
    final ReplacementPolicy.ReferenceBits bits =
        page -> Boolean.TRUE.equals(young.put(page, Boolean.FALSE));
    int refs;

    State(ReplacementPolicy policy, ReferenceString future) {
      this.policy = policy;
      this.future = future;
    }
  }

  @Override
  public State create() {
    return create(List.of());
  }

  @Override
  public State create(List<Op> ops) {
    List<Long> pages = new ArrayList<>();
    for (Op op : ops) {
      if (op.is(REF)) {
        pages.add(op.arg(0));
      }
    }
    long[] refs = new long[pages.size()];
    for (int i = 0; i < refs.length; i++) {
      refs[i] = pages.get(i);
    }
    ReferenceString future = ReferenceString.of(refs);
    ReplacementPolicy policy = contract.untracked(future, ReplacementPolicyContract.SEED);
    policy.setCapacity(capacity);
    return new State(policy, future);
  }

  @Override
  public Op generate(SplittableRandom random, int step) {
    int k = random.nextInt(100);
    if (k < 70) {
      return REF.op(random.nextInt(universe));
    } else if (k < 78) {
      return UNMAP.op(random.nextInt(capacity));
    } else if (k < 82) {
      return UNMAP_ABSENT.op(random.nextInt(universe));
    } else if (k < 91) {
      return RECLAIM.op();
    }
    return GIVE_BACK.op();
  }

  @Override
  public void apply(State s, Op op) {
    ReplacementPolicy p = s.policy;
    if (op.is(REF)) {
      long page = op.arg(0);
      s.future.seek(s.refs++);
      assertThat(p.contains(page)).as("contains(%d)", page).isEqualTo(s.resident.contains(page));
      if (s.resident.contains(page)) {
        if (p.wantsEveryReference()) {
          p.access(page);
        }
      } else {
        p.miss(page);
        while (s.resident.size() >= capacity + p.overCapacity()) {
          evict(s, p.victim(s.bits));
        }
        p.insert(page);
        s.resident.add(page);
      }
      // the pages a policy let go while it handled the reference leave at once
      while (p.wantsEveryReference() && s.resident.size() > capacity + p.overCapacity()) {
        evict(s, p.victim(s.bits));
      }
      s.young.put(page, Boolean.TRUE);
    } else if (op.is(UNMAP)) {
      if (!s.resident.isEmpty()) {
        long page = new ArrayList<>(s.resident).get(op.intArg(0) % s.resident.size());
        p.remove(page);
        s.resident.remove(page);
        s.young.remove(page);
      }
    } else if (op.is(UNMAP_ABSENT)) {
      if (!s.resident.contains(op.arg(0))) {
        p.remove(op.arg(0));
      }
    } else if (op.is(RECLAIM)) {
      long v = p.victim(s.bits);
      if (s.resident.isEmpty()) {
        assertThat(v).as("victim with nothing resident").isEqualTo(ReplacementPolicy.NO_VICTIM);
      } else {
        evict(s, v);
      }
    } else if (op.is(GIVE_BACK)) {
      if (!s.resident.isEmpty()) {
        long v = p.victim(s.bits);
        assertThat(s.resident).as("victim %d", v).contains(v);
        assertThat(p.contains(v)).as("victim %d still tracked", v).isFalse();
        p.putBack(v);
      }
    }
    assertThat(p.resident()).as("resident()").isEqualTo(s.resident.size());
    for (long page = 0; page < universe; page++) {
      assertThat(p.contains(page)).as("contains(%d)", page).isEqualTo(s.resident.contains(page));
    }
  }

  private static void evict(State s, long v) {
    assertThat(s.resident).as("victim %d", v).contains(v);
    assertThat(s.policy.contains(v)).as("victim %d still tracked", v).isFalse();
    s.resident.remove(v);
    s.young.remove(v);
  }

  @Override
  public void checkInvariants(State s) {
    s.policy.checkInvariants();
  }
}
