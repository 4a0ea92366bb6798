#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `cowsim` executable built next to this test bundle: the end-to-end tests run the real
/// binary, the way a student does, rather than calling into the library.
public enum CowsimBinary {
    /// `COWSIM_BINARY` if set; else `cowsim` in the directory of the test runner
    /// (`CommandLine.arguments[0]`, e.g. `.build/x86_64-unknown-linux-gnu/debug/cowsimPackageTests.xctest`)
    /// or of one of its parents (the bundle may be a directory on some platforms). Nil if none.
    public static func path() -> String? { located }

    /// Like `path()`, but throws (failing the calling test) when the binary is not found.
    public static func require() throws -> String {
        guard let located else {
            throw TestSupportFailure.missing(
                "the built cowsim executable was not found next to \(CommandLine.arguments.first ?? "?") (set COWSIM_BINARY)")
        }
        return located
    }

    /// Runs the binary with `arguments` and `input` on standard input (see `ProcessRunner.run`);
    /// without `environment` it inherits this process's.
    public static func run(_ arguments: [String], input: String = "", environment: [String: String]? = nil,
                           timeout: Duration = ProcessRunner.defaultTimeout) throws -> ProcessResult {
        try ProcessRunner.run(require(), arguments: arguments, input: input, environment: environment, timeout: timeout)
    }

    private static let located: String? = {
        if let explicit = getenv("COWSIM_BINARY").map({ String(cString: $0) }), isExecutable(explicit) {
            return explicit
        }
        var directory = absolute(CommandLine.arguments.first ?? "")
        for _ in 0..<6 {
            directory = parent(of: directory)
            for candidate in [directory + "/cowsim", directory + "/debug/cowsim"] where isExecutable(candidate) {
                return candidate
            }
            if directory == "/" { break }
        }
        return nil
    }()

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" + path }
        let directory = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return directory + "/" + path
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "/" }
        let head = String(path[..<slash])
        return head.isEmpty ? "/" : head
    }
}
