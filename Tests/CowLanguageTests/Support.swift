import CowEngine
@testable import CowLanguage

/// The result of running a script in a fresh session.
struct Run {
    var ok: Bool
    var output: String
    var session: Session
    /// Output lines (without the final empty one).
    var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

/// Runs `script` (file name "t.cow") in a fresh session capturing all output.
func run(_ script: String, options: SessionOptions = .init(), fileName: String = "t.cow") -> Run {
    let sink = BufferSink()
    let session = Session(options: options, output: sink)
    let ok = session.run(source: script, fileName: fileName)
    return Run(ok: ok, output: sink.text, session: session)
}

/// The first line of the error a failing script prints.
func firstError(_ script: String, fileName: String = "t.cow") -> String {
    let r = run(script, fileName: fileName)
    return r.lines.first { $0.contains(": error: ") } ?? "(no error; ok = \(r.ok))"
}

/// Evaluates an expression after `setup` (quiet), returning `echo`'s output.
func value(_ expression: String, after setup: String = "") -> String {
    let r = run("quiet\n\(setup)\nend\necho \(expression)")
    return r.ok ? (r.lines.last ?? "") : "error: " + (r.lines.first { $0.contains("error") } ?? r.output)
}

/// The repository's root directory (this file is Tests/CowLanguageTests/Support.swift).
let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Reads a text file of the repository.
func readRepositoryFile(_ relative: String) -> String? {
    switch SystemIO.readFile(repositoryRoot + "/" + relative) {
    case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
    case .failure: return nil
    }
}
