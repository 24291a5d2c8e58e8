package io.mmsim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class VaryTest {
  @Test
  void parse_list_keepsOrder() {
    Vary v = Vary.parse("reclaim.policy=fifo, lru,opt");
    assertThat(v.key()).isEqualTo("reclaim.policy");
    assertThat(v.values()).containsExactly("fifo", "lru", "opt");
  }

  @Test
  void parse_geometric_doublesUpToHi() {
    assertThat(Vary.parse("rss.limit=8..256*2").values())
        .containsExactly("8", "16", "32", "64", "128", "256");
    assertThat(Vary.parse("rss.limit=10..100*3").values()).containsExactly("10", "30", "90");
  }

  @Test
  void parse_arithmetic_stepsUpToHi() {
    assertThat(Vary.parse("rss.limit=8..64+8").values())
        .containsExactly("8", "16", "24", "32", "40", "48", "56", "64");
  }

  @Test
  void parse_sizes_keepTheirSuffix() {
    assertThat(Vary.parse("memory.size=64M..1G*2").values())
        .containsExactly("64M", "128M", "256M", "512M", "1G");
    assertThat(Vary.parse("swap.memory=512K..2M+512K").values())
        .containsExactly("512K", "1M", "1536K", "2M");
  }

  @Test
  void parse_badForms_nameTheKey() {
    assertThatThrownBy(() -> Vary.parse("rss.limit=64..8*2"))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("rss.limit")
        .hasMessageContaining("above HI");
    assertThatThrownBy(() -> Vary.parse("rss.limit=8..64*1"))
        .hasMessageContaining("rss.limit")
        .hasMessageContaining("above 1");
    assertThatThrownBy(() -> Vary.parse("rss.limit=8..64+0")).hasMessageContaining("above 0");
    assertThatThrownBy(() -> Vary.parse("rss.limit=8..64")).hasMessageContaining("needs a step");
    assertThatThrownBy(() -> Vary.parse("rss.limit=x..64+1")).hasMessageContaining("'x'");
    assertThatThrownBy(() -> Vary.parse("rss.limit=1,,2")).hasMessageContaining("empty value");
    assertThatThrownBy(() -> Vary.parse("rss.limit=1,2,1")).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> Vary.parse("rss.limit")).hasMessageContaining("KEY=");
    assertThatThrownBy(() -> Vary.parse("rss.limit=1..100000000+1"))
        .hasMessageContaining("more than");
    assertThat(((SweepException) catchThrowable(() -> Vary.parse("memory.size=1Q..2Q+1"))).key())
        .isEqualTo("memory.size");
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void grid_values_firstKeySlowest() {
    Grid g = new Grid(java.util.List.of(Vary.parse("a=1,2"), Vary.parse("b=x,y,z")), 2);
    assertThat(g.runs()).isEqualTo(12);
    assertThat(g.values(0)).containsExactly("1", "x");
    assertThat(g.values(1)).containsExactly("1", "y");
    assertThat(g.values(3)).containsExactly("2", "x");
    assertThat(g.workloadOf(7)).isEqualTo(1);
    assertThat(g.values(g.combinationOf(7))).containsExactly("1", "y");
    assertThat(Grid.inShard(4, 2, 3)).isTrue();
    assertThat(Grid.inShard(4, 1, 3)).isFalse();
  }
}
