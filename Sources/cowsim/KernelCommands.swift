// `cowsim kernel` and `cowsim compare`: scripts on the host kernel (issue 12). Argument parsing
// only; the backend is CowKernel's `KernelBackend`, attached to an ordinary session.
import ArgumentParser
import CowKernel
import CowLanguage
import CowShell

#if canImport(Glibc)
import Glibc
#endif

/// Options of both kernel subcommands.
struct KernelOptions: ParsableArguments {
    @Flag(help: "Run the participant processes as user nobody (65534) when cowsim runs as root: the unprivileged path, where frame(), mapcount(), copies and reuses say they need root.")
    var unprivileged = false

    /// The backend's options.
    func backendOptions(comparing: Bool) -> KernelBackend.Options {
        var host = KernelHost.Options()
        #if os(Linux)
        if unprivileged && geteuid() == 0 { host.runAs = (uid: 65534, gid: 65534) }
        #endif
        return KernelBackend.Options(host: host, comparing: comparing)
    }
}

/// Says the backend cannot start (not Linux, no temporary folder) and fails.
private func backendUnavailable(_ error: Error) -> ExitCode {
    SystemIO.writeAll(fd: 2, Array("cowsim: error: \(error)\n".utf8))
    return ExitCode(1)
}

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run scripts on the host kernel: one real process per script process, figures read from /proc (Linux).",
        discussion: """
            Every memory operation runs on real participant processes (mapped at the script's
            addresses, pinned to one CPU); expect, echo, smaps, dump P and stats are answered from
            them. frame(), mapcount(), copies and reuses need root. Commands without a kernel
            meaning are refused (`config frames`) or ignored with a note (`profile`, `check`).
            """)

    @OptionGroup var common: Run.Common
    @OptionGroup var kernel: KernelOptions

    @Argument(help: ArgumentHelp("Scripts to run in order; `-` reads standard input.", valueName: "file"))
    var files: [String] = []

    func run() throws {
        let backend: KernelBackend
        do { backend = try KernelBackend(options: kernel.backendOptions(comparing: false)) } catch { throw backendUnavailable(error) }
        defer { backend.shutdown() }
        let session = Session(options: common.sessionOptions, output: ScriptRunner.standardOutput())
        session.attach(backend: backend)
        let inputs: [ScriptRunner.Input] = files.isEmpty ? [.file("-")] : files.map { .file($0) }
        let status = ScriptInterrupts.run(inputs, session: session)
        session.shutdownBackend()
        if status != 0 { throw ExitCode(status) }
    }
}

/// Keeps a session's errors (to standard error) and drops everything else: `compare` prints
/// only its comparison.
final class ErrorsOnlySink: OutputSink {
    let errors = ScriptRunner.standardOutput()
    func write(_ text: String, style: OutputStyle) {
        if style == .error { errors.write(text, style: style) }
    }
    func flush() { errors.flush() }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run scripts on the simulator (profile linux) and the host kernel side by side; print every figure they disagree on.",
        discussion: """
            After every memory operation, for every process: per region and in total Size, Rss,
            Pss (as smaps prints it), Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty and
            Anonymous in kB; minor and major faults; whether it is alive; after a read, the values
            read. With root also the exact Pss in pages (from map counts) and copy-on-write copies
            and reuses. `expect` lines are checked against the simulator. Exit status 0 only when
            every figure agrees.
            """)

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    @OptionGroup var kernel: KernelOptions

    @Argument(help: ArgumentHelp("Scripts to compare.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("compare needs at least one script") }
    }

    func run() throws {
        var failed = false
        var allAgree = true
        var jsonParts: [String] = []
        let out = ScriptRunner.standardOutput()
        for file in files {
            let backend: KernelBackend
            do { backend = try KernelBackend(options: kernel.backendOptions(comparing: true)) } catch { throw backendUnavailable(error) }
            let session = Session(options: SessionOptions(showEvents: false), output: ErrorsOnlySink())
            session.attach(backend: backend)
            let status = ScriptInterrupts.run([.file(file)], session: session)
            session.shutdownBackend()
            let comparison = backend.comparison
            if comparison.compared != comparison.agreed { allAgree = false }
            if status != 0 { failed = true }
            if json {
                jsonParts.append("{\"file\":\(JSON.quote(file)),\"completed\":\(status == 0),\"comparison\":\(comparison.json())}")
            } else {
                out.write("compare \(TerminalText.escaped(file, keepingNewlines: false)): simulator (profile linux) vs the host kernel\n", style: .heading)
                out.write(comparison.lines().joined(separator: "\n") + "\n", style: comparison.compared == comparison.agreed ? .success : .plain)
                if status != 0 { out.write("\(TerminalText.escaped(file, keepingNewlines: false)): the script stopped early (its error is above)\n", style: .error) }
            }
            if status == ScriptInterrupts.interruptedStatus { break }
        }
        if json { out.write("[" + jsonParts.joined(separator: ",") + "]\n", style: .plain) }
        out.flush()
        if failed || !allAgree { throw ExitCode(1) }
    }
}
