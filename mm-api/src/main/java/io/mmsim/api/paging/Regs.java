package io.mmsim.api.paging;

/**
 * The registers a fault handler sees ({@code struct pt_regs}, the part mmsim models).
 *
 * @param ip instruction pointer of the faulting access
 * @param sp stack pointer
 * @param cpu the simulated CPU
 * @param user true when the access ran in user mode (CPL 3)
 */
public record Regs(long ip, long sp, int cpu, boolean user) {}
