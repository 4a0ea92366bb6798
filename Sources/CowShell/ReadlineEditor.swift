#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CReadline

/// GNU readline as a `LineEditor`: Emacs keys, Up/Down and Ctrl-R over the history, and Tab
/// completion from a completer function (normally the host's `completions(line:cursor:)`).
/// readline is one global state machine, so only one ReadlineEditor should exist at a time.
final class ReadlineEditor: LineEditor {
    /// - Parameter completer: candidates for the word ending at a UTF-8 byte offset of a line.
    init(historyCapacity: Int, completer: @escaping (String, Int) -> [String]) {
        readlineCompleter = completer
        cowsim_rl_set_name(readlineName)        // lets ~/.inputrc say `$if cowsim`
        cowsim_rl_set_word_breaks(readlineWordBreaks)
        cowsim_rl_set_completion_function(completeForReadline)
        using_history()
        stifle_history(Int32(clamping: historyCapacity))
    }

    func readLine(prompt: String) -> String? {
        Signals.setInsideLineEditor(true)
        let raw = readline(prompt)
        Signals.setInsideLineEditor(false)
        guard let raw else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    func addHistory(_ line: String) {
        add_history(line)
    }
}

// readline keeps C pointers to these for the life of the program; they are written once, at
// start-up, before readline runs.
nonisolated(unsafe) private var readlineCompleter: ((String, Int) -> [String])?
nonisolated(unsafe) private let readlineName: UnsafeMutablePointer<CChar>? = strdup("cowsim")
nonisolated(unsafe) private let readlineWordBreaks: UnsafeMutablePointer<CChar>? = strdup(Completion.wordBreakCharacters)

/// `rl_attempted_completion_function`: `text` is the word readline will replace, from byte
/// `start` to byte `end` of `rl_line_buffer`. Returns a malloc'd, NULL-terminated array (readline
/// frees it): element 0 is what to insert, the rest are the matches to list.
private func completeForReadline(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    cowsim_rl_set_completion_over(1)            // no file names unless we say so below
    guard let buffer = cowsim_rl_line_buffer(), let completer = readlineCompleter else { return nil }
    let line = String(cString: buffer)
    let word = text.map { String(cString: $0) } ?? ""
    let matches = Completion.matches(word: word, candidates: completer(line, Int(end)))
    if matches.isEmpty {
        if Completion.allowsFileNames(line: line, wordStart: Int(start)) {
            cowsim_rl_set_completion_over(0)    // readline completes a file name instead
        }
        return nil
    }
    if matches.count == 1, matches[0].hasSuffix("(") {
        cowsim_rl_set_append_character(0)       // `rss(`: the cursor stays inside the call
    }
    return matchArray(matches)
}

private func matchArray(_ matches: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let entries = matches.count == 1 ? matches : [Completion.commonPrefix(matches)] + matches
    let size = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)
    guard let raw = malloc(size) else { return nil }
    let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (index, entry) in entries.enumerated() { array[index] = strdup(entry) }
    array[entries.count] = nil
    return array
}
