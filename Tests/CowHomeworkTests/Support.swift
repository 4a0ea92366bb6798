import CowEngine
import CowLanguage

/// The repository's root directory (this file is Tests/CowHomeworkTests/Support.swift).
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
