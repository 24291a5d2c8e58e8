/**
 * Charts of experiment results, as PNG and SVG: line charts (miss-ratio curves, log-x) and bar
 * charts, drawn with JFreeChart and written with JFreeSVG, headless and deterministic.
 */
package io.mmsim.experiment.chart;
