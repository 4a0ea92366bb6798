#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CReadline

nonisolated(unsafe) private var interruptPromptStorage: UnsafeMutablePointer<CChar>?

/// Ctrl-C. One C handler (Sources/CReadline/shim.h) serves both cases the REPL must tell apart:
/// inside readline it discards the typed line and shows a fresh prompt; while a command runs it
/// only raises a flag, which long commands poll through `Session.isInterrupted` and stop cleanly.
/// All calls into the C state live in this file: its static storage is per translation unit.
enum Signals {
    /// Installs the SIGINT handler for the rest of the process. Returns false if the system
    /// refused (then Ctrl-C keeps its default effect of ending the program).
    @discardableResult
    static func installInterruptHandler() -> Bool {
        cowsim_install_sigint_handler() == 0
    }

    /// True when Ctrl-C was pressed since the last `clearInterrupt()`.
    static var interruptPending: Bool {
        cowsim_signal_state()[0] != 0
    }

    /// Forgets an earlier Ctrl-C (called before each command, so a Ctrl-C at the prompt does not
    /// interrupt the next command).
    static func clearInterrupt() {
        cowsim_signal_state()[0] = 0
    }

    /// Tells the handler whether readline is reading a line right now.
    static func setInsideLineEditor(_ inside: Bool) {
        cowsim_signal_state()[1] = inside ? 1 : 0
    }

    /// The prompt Ctrl-C inside readline returns to (nil: readline's current prompt). Only
    /// changed while readline is not running, so the handler never sees a freed string.
    static func setInterruptPrompt(_ prompt: String?) {
        let old = interruptPromptStorage
        interruptPromptStorage = prompt.flatMap { strdup($0) }
        cowsim_interrupt_prompt().pointee = UnsafePointer(interruptPromptStorage)
        free(old)
    }

    /// The hook given to the host's `isInterrupted`.
    static let isInterrupted: @Sendable () -> Bool = { Signals.interruptPending }
}
