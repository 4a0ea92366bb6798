/// `cowsim test [PATH...]`: every `.cow` script under the paths is a test. A script passes
/// when it runs to its end without an error or failed `expect` and its `#>` lines match.
/// One line per script (`PASS path` or `FAIL path: reason`, the details indented below), then
/// `N passed, N failed` alone on the last line.
public enum TestSuite {
    /// How one script fared.
    public struct Result: Equatable, Sendable {
        /// The script's path as found.
        public var path: String
        /// Whether it passed.
        public var passed: Bool
        /// Why it failed: the first line is the summary, the rest (diff, notes) details.
        public var reason: [String]
    }

    /// Runs one script as a test.
    public static func run(script path: String, options: SessionOptions) -> Result {
        switch Transcript.load(path: path, options: options) {
        case .failure(let failure):
            return Result(path: path, passed: false, reason: ["cannot read \(path): \(failure.reason)"])
        case .success(let transcript):
            if let error = transcript.error {
                return Result(path: path, passed: false, reason: Transcript.lines(of: error) + transcript.diff())
            }
            if let summary = transcript.mismatchSummary {
                return Result(path: path, passed: false, reason: [summary] + transcript.diff())
            }
            return Result(path: path, passed: true, reason: [])
        }
    }

    /// Runs every script under `paths` (the current directory when empty) and prints the
    /// report; `details` adds each failure's full reason under its line. Returns the exit
    /// status: 1 if any script failed or a path could not be used.
    public static func run(paths: [String], options: SessionOptions, output: OutputSink, details: Bool = true) -> Int32 {
        var passed = 0, failed = 0
        for entry in FileTree.scripts(under: paths.isEmpty ? ["."] : paths) {
            let result: Result
            switch entry {
            case .script(let path): result = run(script: path, options: options)
            case .unusable(let path, let reason): result = Result(path: path, passed: false, reason: ["cannot read \(path): \(reason)"])
            }
            if result.passed {
                passed += 1
                output.write("PASS \(result.path)\n", style: .success)
            } else {
                failed += 1
                output.write("FAIL \(result.path): \(result.reason.first ?? "failed")\n", style: .fault)
                if details, result.reason.count > 1 {
                    output.write(result.reason.dropFirst().map { "    " + $0 + "\n" }.joined(), style: .plain)
                }
            }
            output.flush()
        }
        output.write("\(passed) passed, \(failed) failed\n", style: failed == 0 ? .success : .fault)
        output.flush()
        return failed == 0 ? 0 : 1
    }
}
