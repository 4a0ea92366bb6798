#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few operating-system calls the language needs (files, standard streams), without
/// Foundation so that `cowsim -c stats` starts in a few milliseconds.
public enum SystemIO {
    /// Why a file could not be read or written, in the C library's words.
    public struct Failure: Error, Sendable {
        /// For example "No such file or directory".
        public let reason: String
    }

    /// Writes every byte to a file descriptor, retrying short writes.
    public static func writeAll(fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeAll(fd: fd, $0) }
    }

    /// Writes every byte of `raw` to a file descriptor, retrying short and interrupted writes;
    /// gives up on an error or on a write that makes no progress, so it can never spin.
    public static func writeAll(fd: Int32, _ raw: UnsafeRawBufferPointer) {
        guard var base = raw.baseAddress else { return }
        var left = raw.count
        while left > 0 {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base, left)
            #else
            let n = Darwin.write(fd, base, left)
            #endif
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            left -= n
            base = base.advanced(by: n)
        }
    }

    /// The most a script, an answers file or a transcript may hold: far above any real script (a
    /// million commands take about 25 MB), low enough that `source /dev/zero` or an endless pipe
    /// ends with an error instead of eating all memory.
    public static let maxReadBytes = 1 << 28

    /// "larger than 256 MB ...": why a read stopped at `limit` bytes.
    static func tooLarge(_ limit: Int) -> Failure {
        let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MB" : "\(limit) bytes"
        return Failure(reason: "larger than \(size), the most cowsim reads (is it a device such as /dev/zero?)")
    }

    /// Reads everything from a file descriptor until end of file (`sizeHint`: the expected size,
    /// so a regular file is read straight into one buffer). Fails after `limit` bytes.
    public static func readAll(fd: Int32, sizeHint: Int = 0, limit: Int = maxReadBytes) -> Result<[UInt8], Failure> {
        var result: [UInt8] = []
        var capacity = max(1 << 16, min(sizeHint, limit) + 1)
        while true {
            if result.count > limit { return .failure(tooLarge(limit)) }
            var failed = false
            let before = result.count
            result.reserveCapacity(capacity)
            // Read into the spare capacity without copying through a second buffer.
            let spare = capacity - before
            result.append(contentsOf: repeatElement(0, count: spare))
            let n = result.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                while true {
                    #if canImport(Glibc)
                    let got = Glibc.read(fd, base + before, spare)
                    #else
                    let got = Darwin.read(fd, base + before, spare)
                    #endif
                    if got < 0 && errno == EINTR { continue }
                    if got < 0 { failed = true }
                    return max(got, 0)
                }
            }
            result.removeLast(spare - n)
            if failed { return .failure(Failure(reason: errorText())) }
            if n == 0 { return .success(result) }
            if result.count == capacity { capacity = min(capacity * 2, limit + 1) }
        }
    }

    /// Reads a whole file (at most `limit` bytes: see `maxReadBytes`).
    public static func readFile(_ path: String, limit: Int = maxReadBytes) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return .failure(Failure(reason: errorText())) }
        defer { close(fd) }
        var info = stat()
        var size = 0
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(Failure(reason: "Is a directory")) }
            size = max(0, Int(info.st_size))
            if size > limit { return .failure(tooLarge(limit)) }
        }
        return readAll(fd: fd, sizeHint: size, limit: limit)
    }

    /// Creates or replaces a file with the given text.
    public static func writeFile(_ path: String, _ text: String) -> Result<Void, Failure> {
        writeFile(path, bytes: Array(text.utf8))
    }

    /// Creates or replaces a file with exactly these bytes.
    public static func writeFile(_ path: String, bytes: [UInt8]) -> Result<Void, Failure> {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { return .failure(Failure(reason: errorText())) }
        writeAll(fd: fd, bytes)
        if close(fd) != 0 { return .failure(Failure(reason: errorText())) }
        return .success(())
    }

    /// Whether the descriptor is a terminal (decides REPL vs script, colours).
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// An environment variable, or nil.
    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The C library's words for the last error (`errno`).
    public static func errorText() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}
