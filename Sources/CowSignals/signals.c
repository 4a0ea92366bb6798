/* See include/cowsim_signals.h. */
#include "cowsim_signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>

static volatile sig_atomic_t interrupt_pending = 0;
static volatile sig_atomic_t inside_line_editor = 0;
static volatile sig_atomic_t script_mode = 0;
static volatile sig_atomic_t newline_on_interrupt = 0;
static const char *volatile interrupt_prompt = NULL;

static void on_sigint(int signal_number) {
    if (script_mode && interrupt_pending) {
        /* The first Ctrl-C was not acted on (a command that does not poll): the second one
         * ends the process the default way. */
        signal(SIGINT, SIG_DFL);
        raise(signal_number);
        return;
    }
    interrupt_pending = 1;
    /* End the terminal's "^C" echo, so what follows starts a line (only on a terminal: a
     * script's output going to a file gets no stray newline). */
    if (newline_on_interrupt) {
        ssize_t ignored = write(STDOUT_FILENO, "\n", 1);
        (void)ignored;
    }
    if (inside_line_editor) {
        /* readline has already restored the terminal and re-raised the signal to us
         * synchronously (rl_catch_signals), so resetting its line here is safe. */
        const char *prompt = interrupt_prompt;
        if (prompt != NULL) rl_set_prompt(prompt);
        rl_on_new_line();
        rl_replace_line("", 0);
        rl_redisplay();
    }
}

int cowsim_install_sigint_handler(int mode) {
    script_mode = mode == COWSIM_INTERRUPT_SCRIPT;
    newline_on_interrupt = isatty(STDOUT_FILENO) == 1;
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART, no SA_RESETHAND */
    return sigaction(SIGINT, &action, NULL);
}

int cowsim_interrupt_pending(void) { return interrupt_pending != 0; }

void cowsim_clear_interrupt(void) { interrupt_pending = 0; }

void cowsim_set_inside_line_editor(int inside) { inside_line_editor = inside != 0; }

void cowsim_set_interrupt_prompt(const char *prompt) { interrupt_prompt = prompt; }
