#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowSignals

nonisolated(unsafe) private var interruptPromptStorage: UnsafeMutablePointer<CChar>?

/// Ctrl-C. One C handler (Sources/CowSignals/signals.c) serves the cases the REPL must tell
/// apart: inside readline it discards the typed line and shows a fresh prompt; while a command
/// runs it only raises a flag, which long commands poll through `Session.isInterrupted` and stop
/// cleanly. The flag lives in that one compiled C file and is read through a function call, so
/// the optimiser can neither keep it in a register nor give each module its own copy.
enum Signals {
    /// How the handler behaves.
    enum Mode {
        /// The REPL and the quiz: Ctrl-C at the prompt discards the typed line.
        case interactive
        /// A script run: a second Ctrl-C before the first was acted on ends the process.
        case script
    }

    /// Installs the SIGINT handler for the rest of the process. Returns false if the system
    /// refused (then Ctrl-C keeps its default effect of ending the program).
    @discardableResult
    static func installInterruptHandler(_ mode: Mode = .interactive) -> Bool {
        cowsim_install_sigint_handler(mode == .script ? COWSIM_INTERRUPT_SCRIPT : COWSIM_INTERRUPT_REPL) == 0
    }

    /// True when Ctrl-C was pressed since the last `clearInterrupt()`.
    static var interruptPending: Bool {
        cowsim_interrupt_pending() != 0
    }

    /// Forgets an earlier Ctrl-C (called before each command, so a Ctrl-C at the prompt does not
    /// interrupt the next command).
    static func clearInterrupt() {
        cowsim_clear_interrupt()
    }

    /// Tells the handler whether readline is reading a line right now.
    static func setInsideLineEditor(_ inside: Bool) {
        cowsim_set_inside_line_editor(inside ? 1 : 0)
    }

    /// The prompt Ctrl-C inside readline returns to (nil: readline's current one). Only
    /// changed while readline is not running, so the handler never sees a freed string.
    static func setInterruptPrompt(_ prompt: String?) {
        let old = interruptPromptStorage
        interruptPromptStorage = prompt.flatMap { strdup($0) }
        cowsim_set_interrupt_prompt(interruptPromptStorage)
        free(old)
    }

    /// The hook given to the host's `isInterrupted`.
    static let isInterrupted: @Sendable () -> Bool = { Signals.interruptPending }
}
