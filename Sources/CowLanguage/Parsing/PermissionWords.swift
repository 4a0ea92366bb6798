import CowEngine

/// The language's words for access rights, in one place: what the parser accepts (`map`'s
/// PERMS clause, `protect`), what errors and Tab completion show.
enum PermissionWords {
    /// The words shown in errors, suggestions and completion (`w`, `wx`, `x` are accepted too).
    static let shown = ["r", "rw", "rx", "rwx", "none"]

    /// How "expected ..." names a permissions word.
    static let expected = "permissions (r, rw, rx, rwx or none)"

    /// `r`, `rw`, `rx`, `rwx`, `w`, `wx`, `x` (letters in that order) or `none`; nil otherwise.
    static func parse(_ word: String) -> Permissions? {
        if word == "none" { return [] }
        var result: Permissions = []
        var rest = Substring(word)
        if rest.first == "r" { result.insert(.read); rest = rest.dropFirst() }
        if rest.first == "w" { result.insert(.write); rest = rest.dropFirst() }
        if rest.first == "x" { result.insert(.execute); rest = rest.dropFirst() }
        return rest.isEmpty && !result.isEmpty ? result : nil
    }
}
