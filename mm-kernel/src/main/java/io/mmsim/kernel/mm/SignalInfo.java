package io.mmsim.kernel.mm;

/**
 * A signal delivered to a process because of a fault it could not survive.
 *
 * @param pid the process
 * @param signal {@code SIGSEGV} or {@code SIGBUS}
 * @param address the faulting address (CR2)
 * @param code the si_code: {@code SEGV_MAPERR}, {@code SEGV_ACCERR}, {@code BUS_ADRERR}, ...
 * @param errorCode the #PF error code the CPU pushed, or -1 for a #GP
 */
record SignalInfo(int pid, String signal, long address, String code, int errorCode) {

  /** {@code pid N: SIGSEGV at 0xADDR SEGV_MAPERR err_code=0x4}. */
  String format() {
    return String.format(
        "pid %d: %s at 0x%x %s%s",
        pid,
        signal,
        address,
        code,
        errorCode < 0 ? " (general protection)" : String.format(" err_code=0x%x", errorCode));
  }
}
