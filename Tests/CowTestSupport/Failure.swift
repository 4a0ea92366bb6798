#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a test helper could not do its job. A plain error (not a Testing `#require`) so that this
/// library does not depend on Testing; a test that calls a helper with `try` fails with it.
public enum TestSupportFailure: Error, CustomStringConvertible {
    /// A system call failed with `errno`-style `code`.
    case system(String, Int32)
    /// Something the test needs (such as the built binary) is not there.
    case missing(String)

    public var description: String {
        switch self {
        case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        case .missing(let what): return what
        }
    }
}
