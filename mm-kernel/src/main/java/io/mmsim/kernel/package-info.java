/**
 * The kernel facade: {@link io.mmsim.kernel.Kernel} boots a simulated machine from named parts and
 * is the entry point of every user.
 *
 * <h2>Design</h2>
 *
 * Boot validates the configuration against the providers found (unknown keys and names are errors),
 * creates the page allocator empty, hands it every frame the boot allocator did not reserve, then
 * creates the page tables, the object allocator, vmalloc, the swap subsystem, the fault-handler
 * chain and the replacement policies, each from its provider through a context that carries only
 * what that provider may use. The facade knows implementations by name only: every part is reached
 * through an mm-api interface. One kernel is one deterministic, single-threaded machine.
 */
package io.mmsim.kernel;
