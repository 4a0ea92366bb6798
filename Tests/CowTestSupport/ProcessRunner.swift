#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished (or killed) run produced.
public struct ProcessResult: Sendable {
    /// The exit status; nil if the program was killed by a signal or outlived its timeout.
    public var status: Int32?
    public var stdout: String
    /// Empty when standard error was sent to `stdout`.
    public var stderr: String
    /// True if the program was killed for running past the timeout.
    public var timedOut: Bool
}

/// Runs a program with no terminal anywhere: text in on standard input, standard output and
/// error collected apart (or together), and the exit status. Input and output go through files
/// in a temporary directory, so neither side can block on a full pipe, and the program is
/// killed if it outlives `timeout`, so a test can never hang.
public enum ProcessRunner {
    /// Generous, for a loaded 2-core machine: a healthy run takes well under a second.
    public static let defaultTimeout: Duration = .seconds(60)

    /// Runs `executable` with `arguments`. `environment` nil inherits this process's;
    /// `standardErrorToOutput` sends standard error to `stdout` too, interleaved as written (`2>&1`).
    public static func run(_ executable: String, arguments: [String] = [], input: String = "",
                           environment: [String: String]? = nil, standardErrorToOutput: Bool = false,
                           timeout: Duration = defaultTimeout) throws -> ProcessResult {
        let scratch = try TemporaryDirectory(prefix: "cowsim-run")
        let outPath = scratch.path + "/out", errPath = scratch.path + "/err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let inputPipe = try standardInput(input, in: scratch, actions: &actions)
        defer { if let inputPipe { close(inputPipe) } }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if standardErrorToOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var child: pid_t = 0
        let spawned: Int32
        if let envp {
            spawned = posix_spawn(&child, executable, &actions, nil, argv, envp)
        } else {
            spawned = posix_spawn(&child, executable, &actions, nil, argv, environ)
        }
        guard spawned == 0 else { throw TestSupportFailure.system("posix_spawn \(executable)", spawned) }

        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var timedOut = false
        while true {
            let result = waitpid(child, &status, WNOHANG)
            if result == child { break }
            if result < 0 && errno != EINTR { throw TestSupportFailure.system("waitpid", errno) }
            if ContinuousClock.now >= deadline {
                kill(child, SIGKILL)
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                timedOut = true
                break
            }
            usleep(2_000)
        }
        let exited = !timedOut && status & 0x7f == 0
        return ProcessResult(status: exited ? (status >> 8) & 0xff : nil,
                             stdout: readText(outPath) ?? "",
                             stderr: standardErrorToOutput ? "" : readText(errPath) ?? "",
                             timedOut: timedOut)
    }

    /// Arranges standard input: a pipe already holding all of `input` and closed for writing
    /// (like `echo ... | cowsim`), or, if the input is too big for the pipe's buffer, a file.
    /// Returns the pipe's read end, which the caller closes after spawning.
    private static func standardInput(_ input: String, in scratch: TemporaryDirectory,
                                      actions: inout posix_spawn_file_actions_t) throws -> Int32? {
        let bytes = Array(input.utf8)
        var ends: [Int32] = [0, 0]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
            var offset = 0
            while offset < bytes.count {
                let count = bytes.withUnsafeBytes { write(ends[1], $0.baseAddress! + offset, $0.count - offset) }
                if count > 0 { offset += count } else if count < 0 && errno == EINTR { continue } else { break }
            }
            close(ends[1])
            if offset == bytes.count {
                posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
                return ends[0]
            }
            close(ends[0])
        }
        let inPath = scratch.path + "/in"
        guard writeText(inPath, input) else { throw TestSupportFailure.system("writing \(inPath)", errno) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        return nil
    }
}
