import ArgumentParser
import CowLanguage

/// `cowsim test`: every script under the paths as a test suite (for CI).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every .cow script under the paths as a test: no error, no failed expect, `#>` lines matching.",
        discussion: """
            Prints `PASS path` or `FAIL path: reason` (with a unified diff for a transcript mismatch) per script, then `N passed, N failed`. Exit status 1 if any failed.
            """)

    @Argument(help: ArgumentHelp("Scripts or directories (searched recursively, sorted); default: the current directory.", valueName: "path"))
    var paths: [String] = []

    @Option(help: "Seed of random() and choose() for every script.")
    var seed: UInt64 = 0

    @Flag(help: "Only the one-line verdicts, no diffs or notes.")
    var brief = false

    func run() throws {
        let status = TestSuite.run(paths: paths, options: SessionOptions(seed: seed), output: ScriptRunner.standardOutput(), details: !brief)
        if status != 0 { throw ExitCode(status) }
    }
}
