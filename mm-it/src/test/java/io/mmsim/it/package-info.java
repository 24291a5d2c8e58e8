/**
 * Black-box module tests: the module graph as the descriptors declare it, provider discovery on the
 * module path (and, in a second Surefire execution, on the class path), and selection of every
 * implementation by name through the kernel facade, with its error messages.
 *
 * <p>These tests use only exported API ({@code io.mmsim.kernel} and {@code io.mmsim.api}) and read
 * descriptors through {@link java.lang.ModuleLayer#boot()}; they never name an implementation class
 * except as a string to compare with what discovery reports.
 */
package io.mmsim.it;
