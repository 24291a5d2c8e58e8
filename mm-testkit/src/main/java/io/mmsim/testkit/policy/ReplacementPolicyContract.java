package io.mmsim.testkit.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.StatefulRunner;

/**
 * The tests every {@link ReplacementPolicy} must pass. A module adds a one-method subclass that
 * names its provider:
 *
 * <pre>{@code
 * final class ArcPolicyTest extends ReplacementPolicyContract {
 *   @Override
 *   protected ReplacementPolicyProvider provider() {
 *     return new ArcPolicyProvider();
 *   }
 * }
 * }</pre>
 *
 * <p>The contract builds each policy through the provider, with the provider's default settings
 * (overridden by {@link #settings()}), a fixed seed and, whenever it knows the reference string in
 * advance, the string as the context's {@link PolicyContext#future()} (so that Belady's OPT runs
 * too). It drives policies the way {@link PolicySimulator} and the kernel do.
 *
 * <h2>What is checked</h2>
 *
 * <ul>
 *   <li>resident-set bookkeeping: {@code insert} tracks a page, {@code resident()} counts it, a
 *       second {@code insert} of it throws and changes nothing, {@code access} and {@code remove}
 *       of an unknown page do nothing;
 *   <li>{@code victim} returns only resident pages, each once, forgets them, and returns {@link
 *       ReplacementPolicy#NO_VICTIM} only when nothing is resident;
 *   <li>with one frame every change of page is a miss; with as many frames as distinct pages only
 *       the first reference to each page misses (unless the policy {@linkplain #evictsOnHits()
 *       evicts on hits}); no policy misses less than Belady's OPT (computed here by brute force)
 *       with as many frames as the policy held pages at most (its frames, plus its {@link
 *       ReplacementPolicy#overCapacity()});
 *   <li>a removed (unmapped) page is forgotten, never a victim afterwards, and can come back;
 *   <li>{@code putBack} of a victim tracks it again;
 *   <li>the same seed and the same references give the same victims;
 *   <li>the reference strings of {@link #textbook()} give their published miss counts;
 *   <li>a seeded random sequence of references, unmappings, reclaims without a fault and give-backs
 *       ({@link StatefulRunner}, which shrinks a failure to a minimal sequence) agrees with a model
 *       of the resident set at every step, with {@code checkInvariants()} after each.
 * </ul>
 *
 * After each test the {@link InvariantCheckExtension} calls {@code checkInvariants()} on every
 * policy the test built.
 */
public abstract class ReplacementPolicyContract {

  /** The seed handed to every policy the contract builds. */
  protected static final long SEED = 0x5eed_0f_a11L;

  /** Re-checks every policy a test built. */
  @RegisterExtension
  protected final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** The provider of the policy under test. */
  protected abstract ReplacementPolicyProvider provider();

  /**
   * Settings (short keys, as in the provider's {@code defaultSettings()}) that replace the
   * provider's defaults; none by default.
   */
  protected Map<String, String> settings() {
    return Map.of();
  }

  /**
   * Reference strings whose miss counts for this policy are published (a textbook, a paper) or
   * worked out by hand; none by default.
   */
  protected List<Textbook> textbook() {
    return List.of();
  }

  /**
   * A reference string with the misses a policy makes on it with a number of frames.
   *
   * @param source where the count comes from (a book and page, a paper, "by hand")
   * @param pages the references
   * @param frames the number of frames
   * @param misses the published miss count
   */
  public record Textbook(String source, long[] pages, int frames, long misses) {
    /** Copies the pages and checks the numbers. */
    public Textbook {
      pages = pages.clone();
      if (frames < 1 || misses < 0 || misses > pages.length) {
        throw new IllegalArgumentException(source + ": " + frames + " frames, " + misses);
      }
    }
  }

  // ================================================================ building policies

  /** A new policy whose future is {@code future} (may be null), with seed {@code seed}, tracked. */
  protected final ReplacementPolicy newPolicy(FutureReferences future, long seed) {
    ReplacementPolicy policy = untracked(future, seed);
    invariants.track(
        provider().name() + " policy #" + (invariants.tracked() + 1), policy::checkInvariants);
    return policy;
  }

  /** A new policy the invariant extension does not track (the random runs check every step). */
  final ReplacementPolicy untracked(FutureReferences future, long seed) {
    ReplacementPolicyProvider p = provider();
    Map<String, String> values = new LinkedHashMap<>(p.defaultSettings());
    values.putAll(settings());
    return p.create(new Context(new Settings(p.name(), values), seed, future));
  }

  private record Context(Settings settings, long seed, FutureReferences future)
      implements PolicyContext {
    @Override
    public MemoryLayout layout() {
      return new MemoryLayout(4096, 1);
    }

    @Override
    public String loggerName() {
      return "io.mmsim.testkit.policy";
    }
  }

  /**
   * True when the policy, like libCacheSim's {@code LIRS.c}, may evict a page while it handles a
   * hit (the caller then takes it through {@code victim}, see {@link
   * ReplacementPolicy#overCapacity()}): it may then miss more than once on a page even with a frame
   * for every page. False by default.
   */
  protected boolean evictsOnHits() {
    return false;
  }

  /** Misses of a new policy over {@code pages} with {@code frames} frames, invariants per step. */
  protected final long misses(long[] pages, int frames) {
    return simulate(pages, frames)[0];
  }

  /**
   * Misses of a new policy over {@code pages} with {@code frames} frames, and the most pages it
   * held at once (more than {@code frames} only by its {@link ReplacementPolicy#overCapacity()}).
   */
  private long[] simulate(long[] pages, int frames) {
    ReferenceString refs = ReferenceString.of(pages);
    ReplacementPolicy policy = newPolicy(refs, SEED);
    PolicySimulator s = new PolicySimulator(policy, frames);
    long peak = 0;
    for (int i = 0; i < pages.length; i++) {
      refs.seek(i);
      s.reference(pages[i]);
      policy.checkInvariants();
      assertThat(policy.resident())
          .isLessThanOrEqualTo(frames + Math.max(0, policy.overCapacity()));
      peak = Math.max(peak, policy.resident());
    }
    return new long[] {s.misses(), peak};
  }

  /** A string with locality: a drifting working set, sometimes a page anywhere. */
  protected static long[] randomString(SplittableRandom r, int length, int pages) {
    long[] refs = new long[length];
    int base = 0;
    for (int i = 0; i < length; i++) {
      if (r.nextInt(16) == 0) {
        base = r.nextInt(pages);
      }
      refs[i] = r.nextInt(4) == 0 ? r.nextInt(pages) : (base + r.nextInt(5)) % pages;
    }
    return refs;
  }

  /**
   * A policy whose future references are {@code pages}, made one by one through {@link
   * #insert}/{@link #access} (Belady's OPT checks that its keys follow its reference string).
   */
  protected final class Scripted {
    /** The policy, tracked for invariants. */
    public final ReplacementPolicy policy;

    private final ReferenceString refs;
    private int at = -1;

    /** A new policy that will see references to {@code pages}, in this order. */
    public Scripted(long... pages) {
      refs = ReferenceString.of(pages);
      policy = newPolicy(refs, SEED);
    }

    /** The next reference, a miss: {@code miss} then {@code insert}. */
    public void insert(long page) {
      step(page);
      policy.miss(page);
      policy.insert(page);
    }

    /** The next reference, a hit: {@code access}. */
    public void access(long page) {
      step(page);
      policy.access(page);
    }

    private void step(long page) {
      refs.seek(++at);
      assertThat(refs.pageAt(at)).as("the script's reference %d", at).isEqualTo(page);
    }
  }

  /** Each page of {@code pages} twice in a row (an insert, then an access). */
  private static long[] twice(long... pages) {
    long[] out = new long[2 * pages.length];
    for (int i = 0; i < pages.length; i++) {
      out[2 * i] = pages[i];
      out[2 * i + 1] = pages[i];
    }
    return out;
  }

  // ================================================================ bookkeeping

  @Test
  void name_isTheProvidersName() {
    assertThat(new Scripted().policy.name()).isEqualTo(provider().name());
  }

  @Test
  void insert_newPages_areTrackedAndCounted() {
    Scripted s = new Scripted(10, 11, 12, 13, 14);
    s.policy.setCapacity(8);
    for (long page = 10; page < 15; page++) {
      s.insert(page);
      assertThat(s.policy.contains(page)).isTrue();
      assertThat(s.policy.resident()).isEqualTo(page - 9);
    }
    assertThat(s.policy.contains(9)).isFalse();
    assertThat(s.policy.contains(15)).isFalse();
  }

  @Test
  void insert_alreadyTracked_throwsAndChangesNothing() {
    Scripted s = new Scripted(1, 2, 1);
    s.policy.setCapacity(4);
    s.insert(1);
    s.insert(2);
    assertThatThrownBy(() -> s.insert(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1");
    assertThat(s.policy.resident()).isEqualTo(2);
    assertThat(s.policy.contains(1)).isTrue();
    assertThat(s.policy.contains(2)).isTrue();
  }

  @Test
  void accessAndRemove_untrackedPage_doNothing() {
    Scripted s = new Scripted(5, 6);
    s.policy.setCapacity(4);
    s.insert(5);
    s.access(6);
    s.policy.remove(7);
    assertThat(s.policy.resident()).isEqualTo(1);
    assertThat(s.policy.contains(5)).isTrue();
    assertThat(s.policy.contains(6)).isFalse();
    assertThat(s.policy.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(5);
  }

  @Test
  void setCapacity_notPositive_throws() {
    ReplacementPolicy p = new Scripted().policy;
    assertThatThrownBy(() -> p.setCapacity(0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ================================================================ victims

  @Test
  void victim_nothingResident_returnsNoVictim() {
    assertThat(new Scripted().policy.victim(ReplacementPolicy.ReferenceBits.NONE))
        .isEqualTo(ReplacementPolicy.NO_VICTIM);
  }

  @Test
  void victim_returnsEachResidentPageOnceThenNoVictim() {
    Scripted s = new Scripted(100, 100, 101, 102, 102, 103, 104, 104, 105);
    ReplacementPolicy p = s.policy;
    p.setCapacity(6);
    Set<Long> resident = new HashSet<>();
    for (long page = 100; page < 106; page++) {
      s.insert(page);
      resident.add(page);
      if (page % 2 == 0) {
        s.access(page);
      }
    }
    for (int i = 0; i < 6; i++) {
      long v = p.victim(ReplacementPolicy.ReferenceBits.NONE);
      assertThat(resident.remove(v)).as("victim %d was resident", v).isTrue();
      assertThat(p.contains(v)).isFalse();
      assertThat(p.resident()).isEqualTo(5 - i);
      p.checkInvariants();
    }
    assertThat(p.victim(ReplacementPolicy.ReferenceBits.NONE))
        .isEqualTo(ReplacementPolicy.NO_VICTIM);
  }

  @Test
  void victim_accessedBitsThatNeverClear_stillReturnsAResidentPage() {
    Scripted s = new Scripted(1, 2, 3, 4, 5);
    s.policy.setCapacity(5);
    for (long page = 1; page <= 5; page++) {
      s.insert(page);
    }
    long v = s.policy.victim(page -> true);
    assertThat(v).isBetween(1L, 5L);
    assertThat(s.policy.resident()).isEqualTo(4);
  }

  // ================================================================ simulations

  @Test
  void simulation_oneFrame_missesAtEveryChangeOfPage() {
    SplittableRandom r = new SplittableRandom(11);
    for (int run = 0; run < 10; run++) {
      long[] pages = randomString(r, 300, 2 + r.nextInt(6));
      long changes = 0;
      for (int i = 0; i < pages.length; i++) {
        if (i == 0 || pages[i] != pages[i - 1]) {
          changes++;
        }
      }
      assertThat(misses(pages, 1)).as("run %d", run).isEqualTo(changes);
    }
  }

  @Test
  void simulation_framesForEveryPage_missesOnlyOnFirstReferences() {
    SplittableRandom r = new SplittableRandom(12);
    for (int run = 0; run < 10; run++) {
      int distinctPages = 1 + r.nextInt(40);
      long[] pages = randomString(r, 400, distinctPages);
      long distinct = Arrays.stream(pages).distinct().count();
      if (evictsOnHits()) {
        // an eviction on a hit can make a later reference miss however many frames there are
        assertThat(misses(pages, (int) distinct)).as("run %d", run).isBetween(distinct, 400L);
        continue;
      }
      assertThat(misses(pages, (int) distinct)).as("run %d", run).isEqualTo(distinct);
      assertThat(misses(pages, (int) distinct + 3)).as("run %d", run).isEqualTo(distinct);
    }
  }

  @Test
  void simulation_randomStrings_neverBeatsBeladysOpt() {
    SplittableRandom r = new SplittableRandom(13);
    for (int run = 0; run < 30; run++) {
      int distinctPages = 2 + r.nextInt(30);
      long[] pages = randomString(r, 200 + r.nextInt(300), distinctPages);
      int frames = 1 + r.nextInt(distinctPages);
      long[] sim = simulate(pages, frames);
      // a policy that held more pages than its frames (overCapacity) competes with OPT on as many
      assertThat(sim[0])
          .as("run %d, %d frames, at most %d pages resident", run, frames, sim[1])
          .isBetween(BeladyOpt.misses(pages, (int) Math.max(frames, sim[1])), (long) pages.length);
    }
  }

  @TestFactory
  Stream<DynamicTest> textbook_publishedStrings_giveTheirMissCounts() {
    return textbook().stream()
        .map(
            t ->
                DynamicTest.dynamicTest(
                    t.source() + ", " + t.frames() + " frames: " + t.misses() + " misses",
                    () -> assertThat(misses(t.pages(), t.frames())).isEqualTo(t.misses())));
  }

  // ================================================================ removal and give-back

  @Test
  void remove_unmappedPage_isForgottenNeverAVictimAndMayComeBack() {
    long[] script = Arrays.copyOf(twice(1, 2, 3, 4, 5, 6, 7, 8), 17);
    script[16] = 3;
    Scripted s = new Scripted(script);
    ReplacementPolicy p = s.policy;
    p.setCapacity(8);
    for (long page = 1; page <= 8; page++) {
      s.insert(page);
      s.access(page);
    }
    p.remove(3);
    p.remove(6);
    assertThat(p.resident()).isEqualTo(6);
    assertThat(p.contains(3)).isFalse();
    List<Long> victims = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      victims.add(p.victim(ReplacementPolicy.ReferenceBits.NONE));
    }
    assertThat(victims).doesNotContain(3L, 6L).doesNotHaveDuplicates();
    s.insert(3);
    assertThat(p.contains(3)).isTrue();
    assertThat(p.resident()).isEqualTo(3);
  }

  @Test
  void putBack_victim_isTrackedAgainAndTheSimulationGoesOn() {
    SplittableRandom r = new SplittableRandom(14);
    long[] pages = randomString(r, 400, 20);
    ReferenceString refs = ReferenceString.of(pages);
    ReplacementPolicy p = newPolicy(refs, SEED);
    p.setCapacity(6);
    Set<Long> model = new HashSet<>();
    for (int i = 0; i < pages.length; i++) {
      refs.seek(i);
      long page = pages[i];
      if (model.contains(page)) {
        if (p.wantsEveryReference()) {
          p.access(page);
        }
        continue;
      }
      p.miss(page);
      if (model.size() == 6) {
        long v = p.victim(ReplacementPolicy.ReferenceBits.NONE);
        assertThat(model).contains(v);
        if (i % 3 == 0) { // reclaim could not free it: given back, then another is taken
          long given = v;
          p.putBack(given);
          assertThat(p.contains(given)).isTrue();
          assertThat(p.resident()).isEqualTo(6);
          assertThatThrownBy(() -> p.insert(given)).isInstanceOf(IllegalArgumentException.class);
          v = p.victim(ReplacementPolicy.ReferenceBits.NONE);
          assertThat(model).contains(v);
        }
        model.remove(v);
      }
      p.insert(page);
      model.add(page);
      assertThat(p.resident()).isEqualTo(model.size());
      p.checkInvariants();
    }
  }

  // ================================================================ determinism

  @Test
  void simulation_sameSeedSameReferences_sameVictims() {
    SplittableRandom r = new SplittableRandom(15);
    long[] pages = randomString(r, 3000, 60);
    assertThat(victims(pages, 17, SEED)).isEqualTo(victims(pages, 17, SEED));
  }

  /** The victims, in order, of a simulation over {@code pages}. */
  private List<Long> victims(long[] pages, int frames, long seed) {
    ReferenceString refs = ReferenceString.of(pages);
    ReplacementPolicy p = newPolicy(refs, seed);
    PolicySimulator s = new PolicySimulator(p, frames);
    Set<Long> resident = new LinkedHashSet<>();
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < pages.length; i++) {
      refs.seek(i);
      if (s.reference(pages[i])) {
        for (Iterator<Long> it = resident.iterator(); it.hasNext(); ) {
          long page = it.next();
          if (!p.contains(page)) {
            out.add(page);
            it.remove();
          }
        }
        resident.add(pages[i]);
      }
    }
    return out;
  }

  // ================================================================ random operations

  @Test
  void randomOperations_oneFrame_agreeWithTheResidentSetModel() {
    StatefulRunner.of(provider().name() + " policy, 1 frame", new PolicyScenario(this, 1, 3))
        .check();
  }

  @Test
  void randomOperations_fewFrames_agreeWithTheResidentSetModel() {
    StatefulRunner.of(provider().name() + " policy, 4 frames", new PolicyScenario(this, 4, 10))
        .check();
  }

  @Test
  void randomOperations_manyFrames_agreeWithTheResidentSetModel() {
    StatefulRunner.of(provider().name() + " policy, 24 frames", new PolicyScenario(this, 24, 60))
        .steps(400)
        .check();
  }
}
