/**
 * Provider discovery: the single {@link java.util.ServiceLoader} call site, duplicate and version
 * checks, and selection by configured name with error messages that list what exists.
 */
package io.mmsim.kernel.registry;
