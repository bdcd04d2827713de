/*
 * Ctrl-C inside the kernels (private to the core; see interrupt.c).
 *
 * While a caller holds an interruptible section (fk_interrupt_enter ..
 * fk_interrupt_leave), SIGINT only sets a flag; the long kernels poll it
 * once per chunk of rows and return early, their outputs then incomplete.
 * The caller must treat a pending interrupt after the kernels as "the
 * outputs are garbage" and raise (fastkmeans: KeyboardInterrupt).
 */
#ifndef FASTKMEANS_INTERRUPT_H
#define FASTKMEANS_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t fk_interrupt_flag;

/* Whether a SIGINT arrived in the current section (cheap: one load). */
static inline int fk_interrupt_pending(void) { return fk_interrupt_flag != 0; }

/* Enter / leave an interruptible section. Sections nest and may be held by
 * several threads at once (callers serialise these two calls, e.g. with
 * Python's GIL): the first enter installs the SIGINT handler (unless SIGINT
 * is ignored or has the default action), the last leave restores the
 * previous handler and clears the flag. fk_interrupt_leave returns
 * 1 if an interrupt arrived during the section (2 if this was the last
 * section, so the caller should re-deliver it to the previous handler), else 0. */
void fk_interrupt_enter(void);
int fk_interrupt_leave(void);

#endif
