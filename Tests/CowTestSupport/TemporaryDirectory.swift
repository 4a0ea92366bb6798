#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp, removed (with its contents) when the value goes away: each
/// test gets its own HOME, history file or homework folder, and leaves nothing behind.
public final class TemporaryDirectory {
    public let path: String

    /// Makes `/tmp/PREFIX-XXXXXX`.
    public init(prefix: String = "cowsim-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw TestSupportFailure.system("mkdtemp", errno)
        }
        path = String(cString: made)
    }

    deinit { removeRecursively(path) }

    /// Writes `text` to the file `name` inside (a relative path; missing directories are made).
    @discardableResult
    public func write(_ name: String, _ text: String) -> Bool {
        var directory = path
        for part in name.split(separator: "/").dropLast() {
            directory += "/" + part
            _ = mkdir(directory, 0o755)
        }
        return writeText(path + "/" + name, text)
    }

    /// The text of the file `name` inside, or nil if it cannot be read.
    public func read(_ name: String) -> String? { readText(path + "/" + name) }
}
