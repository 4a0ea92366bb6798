// Feeds each libFuzzer input, as bytes, to
//   1. a fresh Session running it as a script (`fuzz.cow`), output discarded, and then checks the
//      engine's invariants (`check`): any crash, trap, ASan report or invariant failure is a bug;
//   2. the quiz answer parsers: `AnswerSheet.parse` (an answers file) and `Answer.parse` (each line
//      as one typed answer, also for each question the script asked).
// Bounded work per input: the session's Ctrl-C hook reports an interrupt after
// 20,000 polls (one per statement and per `repeat` iteration), so `repeat 0x7fffffff`
// ends like a Ctrl-C. Inputs that mention `source` or `save` (or `draw` and `to`) are only parsed, not run: they
// would read or write arbitrary files of the machine running the fuzzer.
import CowEngine
import CowHomework
import CowLanguage
#if canImport(Glibc)
import Glibc
#endif

/// Discards everything.
final class NullSink: OutputSink {
    func write(_ text: String, style: OutputStyle) {}
}

/// Counts polls for the current input (the fuzzer runs inputs one at a time, on one thread).
final class PollBudget: @unchecked Sendable {
    static let shared = PollBudget()
    var used = 0
}

func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ word: String) -> Bool {
    let needle = Array(word.utf8)
    guard bytes.count >= needle.count else { return false }
    var index = 0
    while index + needle.count <= bytes.count {
        if bytes[index] == needle[0] && Array(bytes[index..<(index + needle.count)]) == needle { return true }
        index += 1
    }
    return false
}

/// libFuzzer's entry point: called once per input (libFuzzer's own `main` parses its flags;
/// SwiftPM builds an executable with `--sanitize fuzzer` as a library for it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let array = Array(bytes)
    let text = String(decoding: array, as: UTF8.self)

    // The quiz answer parsers (an answers file, and each line as one typed answer).
    _ = AnswerSheet.parse(bytes: array)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(64).map(String.init)
    for line in lines { _ = Answer.parse(line) }

    // The script runner.
    let file = SourceFile(name: "fuzz.cow", bytes: array)
    if contains(bytes, "source") || contains(bytes, "save") || (contains(bytes, "draw") && contains(bytes, "to")) {
        _ = Parser.parse(file)
        return 0
    }
    let session = Session(options: SessionOptions(), output: NullSink())
    let budget = PollBudget.shared
    budget.used = 0
    session.isInterrupted = {
        budget.used += 1
        return budget.used > 20_000
    }
    _ = session.run(file)
    // Each line again as an answer to each question the script asked (text, yes/no, choices).
    for question in session.questions.prefix(8) {
        for line in lines { _ = Answer.parse(line, for: question) }
    }
    let problems = session.machine.check()
    if !problems.isEmpty {
        print("cowsim-fuzz: invariant failure after the input: \(problems)")
        abort()
    }
    return 0
}
