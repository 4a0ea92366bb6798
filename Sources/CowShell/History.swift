#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The REPL's command history on disk: one entry a line, newest last, at most `capacity`
/// entries, in a file only its owner can read (mode 0600, as shells do: history may hold
/// anything a student typed). Each entry is appended to the file (O_APPEND) as it is typed, so
/// a closed terminal (SIGHUP), `kill` or a crash loses nothing; the file is trimmed to the newest
/// `capacity` entries when it is loaded and at exit. It is read only if it is a regular file,
/// and at most `maxReadBytes` of it (its end). Problems never stop the REPL: the first one is
/// reported once through `warn`, later ones are silent.
public final class History {
    /// Entries kept in memory and on disk.
    public static let defaultCapacity = 1000
    /// The most of the history file that is read (its last bytes): far above 1000 lines.
    public static let maxReadBytes = 4 << 20

    /// The history file, or nil when there is nowhere to keep one.
    public let path: String?
    /// The most entries kept (at least 1); older ones are dropped first.
    public let capacity: Int
    /// Oldest first.
    public private(set) var entries: [String] = []
    /// True once a warning was given; no further warnings follow.
    public private(set) var hasWarned = false
    private let warn: (String) -> Void
    /// Set when the path is not a regular file: it is then never read or written again.
    private var unusable = false

    /// - Parameters:
    ///   - path: the file; nil disables history on disk (one warning is given at `save`).
    ///   - warn: receives each warning line (the REPL prints it to standard error).
    public init(path: String?, capacity: Int = History.defaultCapacity, warn: @escaping (String) -> Void) {
        self.path = path
        self.capacity = max(1, capacity)
        self.warn = warn
    }

    /// `$XDG_STATE_HOME/cowsim/history` when XDG_STATE_HOME is an absolute path (the XDG spec
    /// says to ignore relative ones), else `$HOME/.local/state/cowsim/history`, else nil.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return joined(state, "cowsim/history")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return joined(home, ".local/state/cowsim/history")
        }
        return nil
    }

    /// Reads the file if it exists; a missing file is simply an empty history. A file holding
    /// more than `capacity` entries is trimmed.
    public func load() {
        guard let path, !unusable else { return }
        switch readLines(path) {
        case .success(let lines):
            entries = lines.suffix(capacity).map(String.init)
            if lines.count > capacity { rewrite(path) }
        case .failure(let error):
            if error.code != ENOENT && error.code != ENOTDIR { warnOnce("cannot read history file \(path): \(error.message)") }
        }
    }

    /// Records a typed line, and appends it to the file at once. Blank lines and a repeat of the
    /// previous entry are not recorded. Returns whether the line was added (the line editor
    /// mirrors exactly these).
    @discardableResult
    public func add(_ line: String) -> Bool {
        let entry = line.trimmingWhitespace()
        guard !entry.isEmpty, entry != entries.last else { return false }
        append(entry)
        if let path, !unusable, let problem = History.appendLine(path, entry) {
            warnOnce("cannot write history file \(path): \(problem); history will not be saved")
        }
        return true
    }

    /// At exit: trims the file to the newest `capacity` entries (re-reading it, so lines another
    /// cowsim appended meanwhile are kept) and makes it mode 0600. Writes a sibling temporary
    /// file and renames it, so a crash never leaves half a history.
    public func save() {
        guard let path else {
            warnOnce("no home directory (HOME and XDG_STATE_HOME unset); history will not be saved")
            return
        }
        guard !unusable else { return }
        rewrite(path)
    }

    /// Replaces the file by its newest `capacity` lines (or by `entries` if it cannot be read).
    private func rewrite(_ path: String) {
        var lines = entries[...]
        if case .success(let onDisk) = readLines(path) { lines = onDisk.suffix(capacity).map(String.init)[...] }
        guard !unusable else { return }
        let text = lines.map { $0 + "\n" }.joined()
        if let problem = History.writeFile(path, text) {
            warnOnce("cannot write history file \(path): \(problem); history will not be saved")
        }
    }

    private func append(_ entry: String) {
        entries.append(entry)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    private func warnOnce(_ message: String) {
        guard !hasWarned else { return }
        hasWarned = true
        warn("cowsim: warning: \(message)")
    }

    // MARK: - File system (POSIX, no Foundation)

    struct FileError: Error {
        let code: Int32
        var message: String { String(cString: strerror(code)) }
    }

    private static func joined(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// The non-empty lines of the file: only a regular file is read (a FIFO or a device such as
    /// /dev/zero gives a warning and disables the history file), and only its last
    /// `maxReadBytes` bytes (the first, partial line of those is dropped).
    private func readLines(_ path: String) -> Result<[Substring], FileError> {
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(FileError(code: errno)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(FileError(code: errno)) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            unusable = true
            warnOnce("history file \(path) is not a regular file; history will not be saved")
            return .success([])
        }
        let size = Int(info.st_size)
        let skipped = max(0, size - History.maxReadBytes)
        if skipped > 0 && lseek(descriptor, off_t(skipped), SEEK_SET) < 0 { return .failure(FileError(code: errno)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < History.maxReadBytes {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, min($0.count, History.maxReadBytes - bytes.count)) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                return .failure(FileError(code: errno))
            }
        }
        if skipped > 0, let newline = bytes.firstIndex(of: 10) { bytes.removeFirst(newline + 1) }
        let text = String(decoding: bytes, as: UTF8.self)
        // Substrings of one string: loading a huge file stays linear.
        return .success(text.split(separator: "\n", omittingEmptySubsequences: true))
    }

    /// Appends one line with a single O_APPEND write (creating the directories, mode 0700, and
    /// the file, mode 0600). Refuses anything but a regular file; never blocks on a FIFO.
    /// nil on success, else what went wrong.
    static func appendLine(_ path: String, _ line: String) -> String? {
        if let error = makeParentDirectories(path) { return error.message }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return FileError(code: errno).message }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return FileError(code: errno).message }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return FileError(code: count < 0 ? errno : EIO).message
            }
        }
        return nil
    }

    /// Creates every missing directory of `path`'s parent with mode 0700.
    private static func makeParentDirectories(_ path: String) -> FileError? {
        let components = path.split(separator: "/").dropLast()
        var current = ""
        for component in components {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST { return FileError(code: errno) }
        }
        return nil
    }

    /// nil on success, else what went wrong.
    static func writeFile(_ path: String, _ text: String) -> String? {
        if let error = makeParentDirectories(path) { return error.message }
        let temporary = path + ".tmp\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return FileError(code: errno).message }
        let bytes = Array(text.utf8)
        var offset = 0
        var failure: FileError?
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                failure = FileError(code: count < 0 ? errno : EIO)
                break
            }
        }
        if failure == nil && fchmod(descriptor, 0o600) != 0 { failure = FileError(code: errno) }
        if close(descriptor) != 0 && failure == nil { failure = FileError(code: errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = FileError(code: errno) }
        if let failure {
            unlink(temporary)
            return failure.message
        }
        return nil
    }
}
