#ifndef COWSIM_CREADLINE_SHIM_H
#define COWSIM_CREADLINE_SHIM_H
/* GNU readline for the cowsim REPL (Sources/CowShell).
 * readline.h uses FILE, so <stdio.h> comes first.
 * The small static inline helpers below exist because Swift 6 strict concurrency rejects
 * assignments to readline's global variables from Swift. They hold no state of their own: the
 * Ctrl-C handler and its flags are compiled C in Sources/CowSignals (one copy of each). */
#include <stdio.h>
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

#endif
