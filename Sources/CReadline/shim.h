#ifndef COWSIM_CREADLINE_SHIM_H
#define COWSIM_CREADLINE_SHIM_H
/* GNU readline for the cowsim REPL (Sources/CowShell).
 * readline.h uses FILE, so <stdio.h> comes first.
 * The small static inline helpers below exist because Swift 6 strict concurrency rejects
 * assignments to readline's global variables from Swift, and because a signal handler is
 * safest written in C (it touches only a sig_atomic_t while a command runs). */
#include <stdio.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

/* --- readline settings (pointers passed in must stay alive for the whole program) --- */

static inline void cowsim_rl_set_name(const char *name) { rl_readline_name = name; }

static inline void cowsim_rl_set_completion_function(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/* 1 = readline must not fall back to file-name completion after our function returned. */
static inline void cowsim_rl_set_completion_over(int over) { rl_attempted_completion_over = over; }

static inline void cowsim_rl_set_word_breaks(const char *characters) {
    rl_completer_word_break_characters = characters;
}

static inline const char *cowsim_rl_line_buffer(void) { return rl_line_buffer; }

/* The character readline appends after a unique completion (a space by default; 0 for none,
 * as after `rss(`). readline resets it before every completion attempt. */
static inline void cowsim_rl_set_append_character(int character) {
    rl_completion_append_character = character;
}

/* --- SIGINT ---------------------------------------------------------------------------
 * state[0]: an interrupt is pending (polled by long commands through Session.isInterrupted).
 * state[1]: control is inside readline(); then readline has already cleaned up the terminal
 *           and re-raised the signal to us synchronously, so resetting the line is safe.
 * Only Sources/CowShell/Signals.swift may call these: static storage in a header is per
 * translation unit. */
static inline volatile sig_atomic_t *cowsim_signal_state(void) {
    static volatile sig_atomic_t state[2] = {0, 0};
    return state;
}

/* The prompt to show after Ctrl-C inside readline, or NULL to keep readline's current one
 * (Ctrl-C in the middle of a multi-line block returns to the normal prompt). */
static inline const char **cowsim_interrupt_prompt(void) {
    static const char *prompt = NULL;
    return &prompt;
}

static inline void cowsim_on_sigint(int signal_number) {
    (void)signal_number;
    volatile sig_atomic_t *state = cowsim_signal_state();
    state[0] = 1;
    /* End the terminal's "^C" echo: a running command's "interrupted" then starts a line. */
    ssize_t ignored = write(STDOUT_FILENO, "\n", 1);
    (void)ignored;
    if (state[1]) {
        /* Ctrl-C on a typed line: discard it and show a fresh prompt. */
        const char *prompt = *cowsim_interrupt_prompt();
        if (prompt != NULL) rl_set_prompt(prompt);
        rl_on_new_line();
        rl_replace_line("", 0);
        rl_redisplay();
    }
}

/* No SA_RESTART and no SA_RESETHAND: the handler stays installed for the whole session.
 * SIGINT is also unblocked in the calling thread: a parent may hand down a mask that blocks it
 * (threads of a test runner do), and then Ctrl-C would do nothing at all. */
static inline int cowsim_install_sigint_handler(void) {
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cowsim_on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

#endif
