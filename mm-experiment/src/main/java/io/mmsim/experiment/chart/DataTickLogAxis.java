package io.mmsim.experiment.chart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/*
 * A logarithmic x axis whose ticks sit at the sizes that were measured (8, 16, 32, ... frames)
 * rather than at powers of the base, so every point can be read off and a short range (3 to 4
 * frames) still gets round labels. With many sizes, every k-th is labelled so labels never crowd.
 */
final class DataTickLogAxis extends LogAxis {
  private static final long serialVersionUID = 1L;

  /** At most this many labels along the axis. */
  private static final int MAX_LABELS = 12;

  private final double[] values;
  private final NumberFormat format;

  DataTickLogAxis(String label, double[] values, NumberFormat format) {
    super(label);
    this.values = values.clone();
    this.format = format;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public List refreshTicks(
      Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
    List<ValueTick> ticks = new ArrayList<>();
    int step = Math.max(1, (values.length + MAX_LABELS - 1) / MAX_LABELS);
    boolean horizontal = RectangleEdge.isTopOrBottom(edge);
    for (int i = 0; i < values.length; i += step) {
      String label = format.format(values[i]);
      if (horizontal) {
        ticks.add(new NumberTick(values[i], label, TextAnchor.TOP_CENTER, TextAnchor.CENTER, 0));
      } else {
        ticks.add(new NumberTick(values[i], label, TextAnchor.CENTER_RIGHT, TextAnchor.CENTER, 0));
      }
    }
    return ticks;
  }
}
