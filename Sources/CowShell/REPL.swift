#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowLanguage

/// Entry point of the interactive shell. The executable calls it when no script was named.
public enum REPL {
    /// The environment variables the shell looks at (a dictionary keeps the decisions testable).
    static let environmentKeys = ["COWSIM_PROMPT", "HOME", "NO_COLOR", "TERM", "XDG_STATE_HOME"]

    static func currentEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for key in environmentKeys {
            if let value = SystemIO.environment(key) { environment[key] = value }
        }
        return environment
    }

    /// Runs an interactive session on a fresh host until Ctrl-D or `quit`; returns the exit
    /// status. When standard input is not a terminal there is no prompt and no readline: the
    /// input is run as one script named `<stdin>` (status 1 if it failed).
    static func run<Host: ReplHost>(host: Host, options: REPLOptions, output: OutputSink,
                                    environment: [String: String]) -> Int32 {
        guard isatty(STDIN_FILENO) == 1 else {
            return host.run(source: readStandardInput(), fileName: "<stdin>") ? 0 : 1
        }
        Signals.installInterruptHandler()
        let path = options.historyPath ?? History.defaultPath(environment: environment)
        let history = History(path: path, warn: { writeStandardError($0 + "\n") })
        let editor = ReadlineEditor(historyCapacity: history.capacity) { [unowned host] line, cursor in
            host.completions(line: line, cursor: cursor)
        }
        let style = options.promptStyle ?? PromptStyle.fromEnvironment(environment) ?? .summary
        let loop = ReplLoop(host: host, editor: editor, history: history, output: output,
                            promptStyle: style, banner: bannerText(version: options.version))
        return loop.run()
    }

    private static func readStandardInput() -> String {
        var text = ""
        while let line = Swift.readLine(strippingNewline: false) { text += line }
        return text
    }

    private static func writeStandardError(_ text: String) {
        SystemIO.writeAll(fd: STDERR_FILENO, Array(text.utf8))
    }
}
