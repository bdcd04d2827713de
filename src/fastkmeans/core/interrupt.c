/*
 * The process-wide interrupt flag of the kernels (see interrupt.h).
 *
 * Why a flag and not PyErr_CheckSignals: the kernels run without the GIL in
 * OpenMP threads, and the core has no Python. Python's own handler only
 * records the signal for the main thread to act on between bytecodes, which
 * never happens while a kernel runs; this handler records it where the
 * kernels can see it.
 */
#define _POSIX_C_SOURCE 200112L  /* sigaction */
#include "interrupt.h"

#include <stddef.h>

volatile sig_atomic_t fk_interrupt_flag = 0;

static int fk_depth = 0;      /* sections held */
static int fk_installed = 0;  /* whether our handler is in place */

static void fk_on_sigint(int signum)
{
    (void)signum;
    fk_interrupt_flag = 1;
}

#ifdef _WIN32
static void (*fk_previous)(int);

void fk_interrupt_enter(void)
{
    if (fk_depth++ > 0) return;
    fk_previous = signal(SIGINT, fk_on_sigint);
    fk_installed = fk_previous != SIG_ERR;
    if (fk_installed && (fk_previous == SIG_IGN || fk_previous == SIG_DFL)) {
        signal(SIGINT, fk_previous);  /* ignored or default: leave it so */
        fk_installed = 0;
    }
}

static void fk_restore(void) { signal(SIGINT, fk_previous); }
#else
static struct sigaction fk_previous;

void fk_interrupt_enter(void)
{
    if (fk_depth++ > 0) return;
    struct sigaction ours;
    fk_installed = 0;
    if (sigaction(SIGINT, NULL, &fk_previous) != 0) return;
    if (!(fk_previous.sa_flags & SA_SIGINFO)
        && (fk_previous.sa_handler == SIG_IGN || fk_previous.sa_handler == SIG_DFL))
        return;  /* ignored, or the default action: not ours to change */
    ours.sa_handler = fk_on_sigint;
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = 0;
    fk_installed = sigaction(SIGINT, &ours, NULL) == 0;
}

static void fk_restore(void) { sigaction(SIGINT, &fk_previous, NULL); }
#endif

int fk_interrupt_leave(void)
{
    int pending = fk_interrupt_flag != 0;
    if (--fk_depth > 0) return pending;
    if (fk_installed) fk_restore();
    fk_installed = 0;
    fk_interrupt_flag = 0;
    return pending ? 2 : 0;
}
