package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** OPT's use of the future references and its provider's refusal without them. */
final class OptPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new OptPolicyProvider();
  }

  @Override
  protected List<Textbook> textbook() {
    return List.of(
        new Textbook("Belady anomaly string", TextbookStrings.BELADY, 3, 7),
        new Textbook("Belady anomaly string", TextbookStrings.BELADY, 4, 6),
        new Textbook("Operating System Concepts", TextbookStrings.OSC, 3, 9));
  }

  private record Ctx(FutureReferences future) implements PolicyContext {
    @Override
    public MemoryLayout layout() {
      return new MemoryLayout(1024, 1);
    }

    @Override
    public Settings settings() {
      return Settings.empty("opt");
    }

    @Override
    public String loggerName() {
      return "io.mmsim.swap.opt";
    }

    @Override
    public long seed() {
      return 1;
    }
  }

  @Test
  void victim_evictsThePageUsedFurthestAhead_neverUsedFirst() {
    ReferenceString f = ReferenceString.of(1, 2, 3, 1, 2, 4);
    OptPolicy opt = new OptPolicy(f, 4);
    for (int i = 0; i < 3; i++) {
      f.seek(i);
      opt.insert(f.pageAt(i));
    }
    assertThat(opt.recordedNextUse(1)).isEqualTo(3);
    assertThat(opt.recordedNextUse(3)).isEqualTo(FutureReferences.NEVER);
    assertThat(opt.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(3);
    assertThat(opt.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(2);
  }

  @Test
  void access_movesThePagesNextUse() {
    ReferenceString f = ReferenceString.of(1, 2, 1, 2, 1);
    OptPolicy opt = new OptPolicy(f, 4);
    f.seek(0);
    opt.insert(1);
    f.seek(1);
    opt.insert(2);
    f.seek(2);
    opt.access(1);
    assertThat(opt.recordedNextUse(1)).isEqualTo(4);
    assertThat(opt.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(1);
    opt.checkInvariants();
  }

  @Test
  void insert_positionNotSetOrOtherPage_throwsNamingTheProblem() {
    ReferenceString f = ReferenceString.of(1, 2);
    OptPolicy opt = new OptPolicy(f, 4);
    assertThatThrownBy(() -> opt.insert(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("position -1");
    f.seek(1);
    assertThatThrownBy(() -> opt.insert(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reference 1 is to page 2, not to page 1");
    assertThat(opt.resident()).isZero();
  }

  @Test
  void provider_withoutFutureReferences_refusesWithTheConfigurationKey() {
    OptPolicyProvider p = new OptPolicyProvider();
    ProviderContext plain = new Ctx(null);
    assertThatThrownBy(() -> p.create(plain))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reclaim.policy=opt")
        .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("reclaim.policy"));
    ReplacementPolicy made = p.create(new Ctx(ReferenceString.of(1)));
    assertThat(made.name()).isEqualTo("opt");
    assertThat(made.wantsEveryReference()).isTrue();
  }

  @Test
  void putBack_lastVictim_keepsItsNextUse_otherPagesRefused() {
    ReferenceString f = ReferenceString.of(1, 2, 3, 1, 2, 4);
    OptPolicy opt = new OptPolicy(f, 4);
    for (int i = 0; i < 3; i++) {
      f.seek(i);
      opt.insert(f.pageAt(i));
    }
    long v = opt.victim(ReplacementPolicy.ReferenceBits.NONE);
    assertThat(v).isEqualTo(3);
    assertThatThrownBy(() -> opt.putBack(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not the last victim");
    opt.putBack(3);
    assertThat(opt.recordedNextUse(3)).isEqualTo(FutureReferences.NEVER);
    assertThat(opt.resident()).isEqualTo(3);
    opt.checkInvariants();
  }
}
