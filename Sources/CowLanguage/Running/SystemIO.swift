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

    /// Creates or replaces a file with the given text (see `writeFile(_:bytes:replacing:)`).
    public static func writeFile(_ path: String, _ text: String, replacing: Bool = true) -> Result<Void, Failure> {
        writeFile(path, bytes: Array(text.utf8), replacing: replacing)
    }

    /// The reason `writeFile(_:bytes:replacing: false)` gives when the target exists.
    public static let fileExists = "the file exists"

    /// Writes a file atomically, so nothing a user wrote is ever lost: the bytes go to a new
    /// temporary file in the same folder, every write, the flush to disk and the close are
    /// checked, and only then is the temporary renamed over the target. On any error the
    /// temporary is removed, the target is untouched, and the failure says why (a full disk,
    /// `ulimit -f`, a read-only folder...). A replaced file keeps its permissions (a script
    /// stays executable); a symbolic link is followed, so the file it names is replaced.
    /// With `replacing: false` an existing target is never replaced (the failure says so, and
    /// the check and the final step are one atomic `link`, so no race can clobber a file).
    /// The one function in cowsim that writes a user's file: `save`, `--update`, `solve -o`.
    public static func writeFile(_ path: String, bytes: [UInt8], replacing: Bool = true) -> Result<Void, Failure> {
        var followed = stat()
        if stat(path, &followed) == 0 {
            let kind = followed.st_mode & S_IFMT
            if kind != S_IFREG && kind != S_IFDIR {
                // A device or pipe (`solve -o /dev/stdout`): nothing to keep, nothing to rename.
                return replacing ? writeInPlace(path, bytes) : .failure(Failure(reason: fileExists))
            }
        }
        let target = replacing ? (resolvedLink(path) ?? path) : path
        var info = stat()
        let exists = lstat(target, &info) == 0
        if exists && !replacing { return .failure(Failure(reason: fileExists)) }
        if exists && (info.st_mode & S_IFMT) == S_IFDIR { return .failure(Failure(reason: "Is a directory")) }
        let (descriptor, temporary) = createTemporary(besides: target)
        guard descriptor >= 0 else { return .failure(Failure(reason: errorText())) }
        var failure: Failure?
        if !writeEverything(fd: descriptor, bytes) { failure = Failure(reason: errorText()) }
        if failure == nil && exists && (info.st_mode & S_IFMT) == S_IFREG && fchmod(descriptor, info.st_mode & 0o7777) != 0 {
            failure = Failure(reason: errorText())
        }
        if failure == nil && fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS { failure = Failure(reason: errorText()) }
        if close(descriptor) != 0 && failure == nil { failure = Failure(reason: errorText()) }
        if failure == nil {
            if replacing {
                if rename(temporary, target) != 0 { failure = Failure(reason: errorText()) }
            } else if link(temporary, target) != 0 {
                failure = Failure(reason: errno == EEXIST ? fileExists : errorText())
            }
        }
        unlink(temporary)   // after `link` (or a failure) the temporary name is left over
        if let failure { return .failure(failure) }
        return .success(())
    }

    /// Writes to a device or pipe, checking every write and the close.
    private static func writeInPlace(_ path: String, _ bytes: [UInt8]) -> Result<Void, Failure> {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { return .failure(Failure(reason: errorText())) }
        var failure: Failure?
        if !writeEverything(fd: fd, bytes) { failure = Failure(reason: errorText()) }
        if close(fd) != 0 && failure == nil { failure = Failure(reason: errorText()) }
        return failure.map { .failure($0) } ?? .success(())
    }

    /// The file a symbolic link finally names (relative links resolved), or nil when `path` is
    /// not a link or the link is broken.
    private static func resolvedLink(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// A new file `.NAME.cowsim-XXXXXX` in the folder of `path` (mode 0666 less the umask, as
    /// a plain `open` would give), or -1 with `errno` set.
    private static func createTemporary(besides path: String) -> (Int32, String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var attempt = 0
        while true {
            let candidate = folder + "." + name + ".cowsim-\(getpid())-\(attempt)"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST || attempt >= 100 { return (fd, candidate) }
            attempt += 1
        }
    }

    /// Writes every byte, retrying short and interrupted writes; false (with `errno` set) on an
    /// error, including a write that makes no progress.
    private static func writeEverything(fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw -> Bool in
            guard var base = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                #if canImport(Glibc)
                let n = Glibc.write(fd, base, left)
                #else
                let n = Darwin.write(fd, base, left)
                #endif
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return false }
                if n == 0 {
                    errno = EIO
                    return false
                }
                left -= n
                base = base.advanced(by: n)
            }
            return true
        }
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
