import CowLanguage

/// The pure half of Tab completion (the readline half is in ReadlineEditor.swift): which of the
/// host's candidates fit the word being typed, what readline should insert, and when file names
/// may be offered instead.
enum Completion {
    /// Characters that end a word for completion. `-` and `.` are not among them (command and
    /// region names such as `map-library`, `libc.text`), nor `/` (paths after `source`).
    /// Matches CowLanguage's completer, whose words are made of letters, digits, `_`, `.`, `-`.
    static let wordBreakCharacters = " \t\n\"';,(){}[]=<>!+*%&|#"

    /// Commands whose argument is a file path: only there may readline fall back to file names
    /// (from the command table).
    static let fileCommands: Set<String> = CommandTable.pathCommands

    /// The candidates that extend `word`, without duplicates, in the host's order.
    static func matches(word: String, candidates: [String]) -> [String] {
        var seen = Set<String>()
        return candidates.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }

    /// The longest prefix all `words` share (what readline inserts when several match).
    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let characters = Array(word)
            var length = 0
            while length < min(prefix.count, characters.count) && prefix[length] == characters[length] {
                length += 1
            }
            prefix.removeSubrange(length...)
        }
        return String(prefix)
    }

    /// True when the word starting at `wordStart` (a UTF-8 byte offset) is an argument of
    /// `source` or `save` in the same command (after the last `;`).
    static func allowsFileNames(line: String, wordStart: Int) -> Bool {
        let before = String(decoding: line.utf8.prefix(max(0, wordStart)), as: UTF8.self)
        let command = before.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = words.first else { return false }
        return fileCommands.contains(String(first))
    }
}
