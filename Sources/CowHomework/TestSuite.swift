import CowLanguage

/// `cowsim test [PATH...]`: every `.cow` script under the paths is a test. A script passes
/// when it runs to its end without an error or failed `expect` and its `#>` lines match.
/// One line per script (`PASS path` or `FAIL path: reason`, the details indented below), then
/// `N passed, N failed` alone on the last line. Finding no script at all is a failure, and so
/// is a script or directory that cannot be read. The results can also be written as JUnit XML
/// (for GitLab, GitHub and Jenkins) and printed as JSON.
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

    /// What `run(paths:)` prints and writes.
    public struct Options: Sendable {
        /// Each failure's full reason (diff, notes) under its line.
        public var details: Bool
        /// Print the results as one JSON object instead of lines.
        public var json: Bool
        /// Write JUnit XML to this file.
        public var junitPath: String?

        /// Options from their parts.
        public init(details: Bool = true, json: Bool = false, junitPath: String? = nil) {
            self.details = details
            self.json = json
            self.junitPath = junitPath
        }
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
            let mismatches = transcript.mismatchLines(path: path)
            if let first = mismatches.first {
                let more = mismatches.count - 1
                let summary = first + (more > 0 ? " (and \(more) more \(more == 1 ? "command" : "commands"))" : "")
                return Result(path: path, passed: false, reason: [summary] + mismatches.dropFirst() + transcript.diff())
            }
            return Result(path: path, passed: true, reason: [])
        }
    }

    /// Runs every script under `paths` (the current directory when empty) and prints the
    /// report; `details` adds each failure's full reason under its line. Returns the exit
    /// status: 1 if any script failed, a path could not be used, or no script was found.
    public static func run(paths: [String], options: SessionOptions, output: OutputSink, details: Bool = true) -> Int32 {
        run(paths: paths, options: options, output: output, report: Options(details: details))
    }

    /// As `run(paths:options:output:details:)`, with JSON and JUnit XML as `report` asks.
    public static func run(paths: [String], options: SessionOptions, output: OutputSink, report: Options) -> Int32 {
        var results: [Result] = []
        let searched = paths.isEmpty ? ["."] : paths
        for entry in FileTree.scripts(under: searched) {
            let result: Result
            switch entry {
            case .script(let path): result = run(script: path, options: options)
            case .unusable(let path, let reason): result = Result(path: path, passed: false, reason: ["cannot read \(path): \(reason)"])
            }
            results.append(result)
            if !report.json { print(result, to: output, details: report.details) }
        }
        if results.isEmpty {
            let list = searched.joined(separator: ", ")
            let none = Result(path: list, passed: false, reason: ["no .cow scripts found under \(list)"])
            results.append(none)
            if !report.json { output.write("error: no .cow scripts found under \(list)\n", style: .error) }
        }
        let failed = results.filter { !$0.passed }.count
        let passed = results.count - failed
        var status: Int32 = failed == 0 ? 0 : 1
        if let junit = report.junitPath {
            if case .failure(let failure) = SystemIO.writeFile(junit, junitXML(results)) {
                output.write("\(junit): error: cannot write \(junit): \(failure.reason)\n", style: .error)
                status = 1
            }
        }
        if report.json {
            output.write(json(results).rendered() + "\n", style: .plain)
        } else {
            output.write("\(passed) passed, \(failed) failed\n", style: failed == 0 ? .success : .fault)
        }
        output.flush()
        return status
    }

    private static func print(_ result: Result, to output: OutputSink, details: Bool) {
        if result.passed {
            output.write("PASS \(result.path)\n", style: .success)
        } else {
            output.write("FAIL \(result.path): \(result.reason.first ?? "failed")\n", style: .fault)
            if details, result.reason.count > 1 {
                output.write(result.reason.dropFirst().map { "    " + $0 + "\n" }.joined(), style: .plain)
            }
        }
        output.flush()
    }

    /// The results as JSON: counts, then one object per script (`reason` is the summary line,
    /// `details` the rest).
    public static func json(_ results: [Result]) -> JSON {
        let failed = results.filter { !$0.passed }.count
        return .object([
            ("passed", .int(results.count - failed)),
            ("failed", .int(failed)),
            ("results", .array(results.map { r in
                .object([
                    ("path", .string(r.path)),
                    ("passed", .bool(r.passed)),
                    ("reason", r.reason.first.map { .string($0) } ?? .null),
                    ("details", .array(r.reason.dropFirst().map { .string($0) })),
                ])
            })),
        ])
    }

    /// The results as JUnit XML (one `testsuite` named `cowsim`, one `testcase` per script,
    /// a `failure` with the summary as its message and the details as its text). No times, so
    /// the file is the same on every run.
    public static func junitXML(_ results: [Result]) -> String {
        let failed = results.filter { !$0.passed }.count
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<testsuites name=\"cowsim\" tests=\"\(results.count)\" failures=\"\(failed)\" errors=\"0\">",
                   "  <testsuite name=\"cowsim\" tests=\"\(results.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">"]
        for r in results {
            let name = xmlEscaped(r.path)
            if r.passed {
                out.append("    <testcase classname=\"cowsim\" name=\"\(name)\" file=\"\(name)\"/>")
            } else {
                out.append("    <testcase classname=\"cowsim\" name=\"\(name)\" file=\"\(name)\">")
                let message = xmlEscaped(r.reason.first ?? "failed")
                out.append("      <failure message=\"\(message)\">\(xmlEscaped(r.reason.joined(separator: "\n")))</failure>")
                out.append("    </testcase>")
            }
        }
        out += ["  </testsuite>", "</testsuites>"]
        return out.joined(separator: "\n") + "\n"
    }

    /// Text safe inside an XML attribute or element: `Markup`'s escaping (control characters
    /// XML 1.0 cannot carry shown as `\u{1B}`), with newlines and tabs as character references.
    static func xmlEscaped(_ text: String) -> String {
        Markup.escaped(text, keepingNewlines: true, breaksAsReferences: true)
    }
}
