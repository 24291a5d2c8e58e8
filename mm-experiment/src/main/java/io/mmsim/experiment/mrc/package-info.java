/**
 * Miss-ratio curves in one pass over a page-reference trace.
 *
 * <p>{@link io.mmsim.experiment.mrc.MissRatioCurves} is the entry point: exact LRU and OPT curves
 * for every frame count from 1 to the trace's distinct pages, and SHARDS estimates for traces too
 * large to process exactly. Each curve is a {@link io.mmsim.experiment.mrc.MissRatioCurve}.
 *
 * <p>Design: pages are first renumbered densely in order of first use, so the algorithms work on
 * {@code int[]} arrays indexed by page id; nothing is allocated per reference. The classes that
 * compute stack distances open with a comment on their algorithm, invariants and papers.
 */
package io.mmsim.experiment.mrc;
