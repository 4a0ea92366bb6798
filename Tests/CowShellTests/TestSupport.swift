#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp, removed (with its contents) when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/cowsim-shell-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw PseudoTerminal.Failure.system("mkdtemp", errno)
        }
        path = String(cString: made)
    }

    deinit { TemporaryDirectory.remove(path) }

    private static func remove(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            chmod(path, 0o700)
            if let directory = opendir(path) {
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                    }
                    if name != "." && name != ".." { remove(path + "/" + name) }
                }
                closedir(directory)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// Small file helpers for assertions.
enum Files {
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ path: String, _ text: String) {
        guard let file = fopen(path, "w") else { return }
        fputs(text, file)
        fclose(file)
    }

    /// Permission bits (e.g. 0o600), or nil if the file does not exist.
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }
}

/// The `cowsim` executable built next to this test bundle.
enum CowsimBinary {
    /// `COWSIM_BINARY` if set; else `cowsim` in the directory of the test runner
    /// (`CommandLine.arguments[0]`, e.g. `.build/x86_64-unknown-linux-gnu/debug/cowsimPackageTests.xctest`)
    /// or of one of its parents (the bundle may be a directory on some platforms).
    static func path() -> String? {
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
    }

    private static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }

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

/// Runs a program with `input` piped to its standard input (no terminal anywhere) and collects
/// its output; the child is killed if it outlives `timeout`.
enum PipedRun {
    struct Result {
        var status: Int32?
        var output: String
    }

    static func run(_ executable: String, arguments: [String] = [], input: String,
                    environment: [String: String], timeout: Duration = .seconds(10)) throws -> Result {
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else { throw PseudoTerminal.Failure.system("pipe", errno) }
        for descriptor in stdinPipe + stdoutPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            throw PseudoTerminal.Failure.system("posix_spawn", spawned)
        }
        let bytes = Array(input.utf8)
        _ = bytes.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
        close(stdinPipe[1])

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        var descriptor = pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0)
        while ContinuousClock.now < deadline {
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let count = read(stdoutPipe[0], &buffer, buffer.count)
            if count <= 0 { break }
            output.append(contentsOf: buffer.prefix(count))
        }
        close(stdoutPipe[0])
        var status: Int32 = 0
        while waitpid(child, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                kill(child, SIGKILL)
                waitpid(child, &status, 0)
                return Result(status: nil, output: String(decoding: output, as: UTF8.self))
            }
            usleep(10_000)
        }
        let exitCode: Int32? = status & 0x7f == 0 ? (status >> 8) & 0xff : nil
        return Result(status: exitCode, output: String(decoding: output, as: UTF8.self))
    }
}
