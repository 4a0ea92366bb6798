import ArgumentParser
import CowHomework
import CowLanguage

/// `cowsim test`: every script under the paths as a test suite (for CI).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every .cow script under the paths as a test: no error, no failed expect, `#>` lines matching.",
        discussion: """
            Prints `PASS path` or `FAIL path: reason` (with `file:line:` and a unified diff for a transcript mismatch) per script, then `N passed, N failed`. Exit status 1 if any failed, if a script or directory cannot be read, or if no script was found. --junit FILE also writes JUnit XML; --json prints one JSON object instead of the lines.
            """)

    @Argument(help: ArgumentHelp("Scripts or directories (searched recursively, sorted); default: the current directory.", valueName: "path"))
    var paths: [String] = []

    @Option(parsing: .unconditional, help: "Seed of random() and choose() for every script (default 0).", transform: Seed.parse)
    var seed: Seed = Seed(0)

    @Flag(help: "Only the one-line verdicts, no diffs or notes.")
    var brief = false

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to FILE (GitLab, GitHub, Jenkins).", valueName: "file"))
    var junit: String?

    @Flag(help: "Print the results as one JSON object (counts, then path, passed, reason, details per script).")
    var json = false

    func run() throws {
        let report = TestSuite.Options(details: !brief, json: json, junitPath: junit)
        let status = TestSuite.run(paths: paths, options: SessionOptions(seed: seed.value), output: ScriptRunner.standardOutput(), report: report)
        if status != 0 { throw ExitCode(status) }
    }
}
