#ifndef COWSIM_SIGNALS_H
#define COWSIM_SIGNALS_H
/* Ctrl-C (SIGINT) for cowsim: the handler and its state live in ONE compiled C file
 * (signals.c), reached only through these functions.
 *
 * Why not static inline functions in a header, as before: a `static` variable inside a
 * `static inline` function exists once per translation unit that emits the function. Swift
 * emits imported inline C functions into every module (and, with cross-module optimisation in
 * release builds, into the modules that inline the callers), so the handler could set one copy
 * of the flag while the interpreter polled another; and Swift reads a pointee as an ordinary,
 * non-volatile load that the optimiser may keep in a register. Out-of-line functions with
 * file-scope `volatile sig_atomic_t` state have neither problem: there is one flag, and every
 * poll is an opaque call that performs a real load. */

/* Installs the SIGINT handler (no SA_RESTART) for the rest of the process, and unblocks SIGINT
 * in the calling thread. `mode`: COWSIM_INTERRUPT_REPL (a Ctrl-C inside readline discards the
 * typed line) or COWSIM_INTERRUPT_SCRIPT (a second Ctrl-C before the first was acted on ends the
 * process, as if no handler were installed). Returns 0, or -1 if the system refused. */
#define COWSIM_INTERRUPT_REPL 0
#define COWSIM_INTERRUPT_SCRIPT 1
int cowsim_install_sigint_handler(int mode);

/* 1 when Ctrl-C was pressed since the last cowsim_clear_interrupt(). */
int cowsim_interrupt_pending(void);
void cowsim_clear_interrupt(void);

/* Whether control is inside readline() right now (then the handler resets the line). */
void cowsim_set_inside_line_editor(int inside);

/* The prompt readline returns to after Ctrl-C, or NULL for its current one. The string must
 * stay alive until it is replaced; change it only while readline is not running. */
void cowsim_set_interrupt_prompt(const char *prompt);

#endif
