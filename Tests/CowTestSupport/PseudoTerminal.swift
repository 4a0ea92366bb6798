#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program running in a pseudo-terminal, for typing at it in tests: it becomes a session
/// leader whose controlling terminal is the pty, so readline is active and Ctrl-C (byte 0x03)
/// turns into a real SIGINT. Every wait has a timeout, so a test can never hang.
/// Shared by the REPL tests (CowShellTests) and the `cowsim quiz` terminal test (CowsimTests),
/// so there is one pty driver to keep right.
public final class PseudoTerminal {
    public let pid: pid_t
    private let master: Int32
    private var bytes: [UInt8] = []
    private var exitStatus: Int32?
    /// Where `waitFor` starts looking (moved on by `mark()`).
    private var markOffset = 0

    /// Starts `executable` with exactly `environment`, its standard input, output and error on
    /// a fresh 80x24 pty.
    public init(executable: String, arguments: [String] = [], environment: [String: String]) throws {
        var masterFD: Int32 = -1
        var slaveFD: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&masterFD, &slaveFD, nil, nil, &size) == 0 else { throw TestSupportFailure.system("openpty", errno) }
        defer { close(slaveFD) }
        _ = fcntl(masterFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slaveFD, F_SETFD, FD_CLOEXEC)
        // ttyname_r, not ttyname: tests start terminals from several threads at once, and
        // ttyname's shared static buffer once handed one of them a half-written path
        // (posix_spawn then failed with "Is a directory").
        var nameBuffer = [CChar](repeating: 0, count: 4096)
        let nameError = ttyname_r(slaveFD, &nameBuffer, nameBuffer.count)
        guard nameError == 0 else {
            close(masterFD)
            throw TestSupportFailure.system("ttyname_r", nameError)
        }
        let slavePath = String(decoding: nameBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)

        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        // Opened after setsid() in the child, so the pty becomes its controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // POSIX_SPAWN_SETSID (0x80, not exported to Swift) | SETSIGMASK | SETSIGDEF: the test
        // runner's threads block SIGINT, and a child inherits that mask unless told otherwise.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGQUIT, SIGTSTP, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(masterFD)
            throw TestSupportFailure.system("posix_spawn \(executable)", result)
        }
        pid = child
        master = masterFD
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    // MARK: typing

    /// Types `text` (use "\r" for Enter, "\u{03}" for Ctrl-C, "\u{04}" for Ctrl-D, "\t" for Tab,
    /// "\u{1B}[A" for Up-arrow).
    public func send(_ text: String) {
        let data = Array(text.utf8)
        var offset = 0
        while offset < data.count {
            let count = data.withUnsafeBytes { write(master, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if count > 0 { offset += count } else if count < 0 && errno == EINTR { continue } else { return }
        }
    }

    // MARK: reading

    /// Everything the program wrote so far, escape sequences and all.
    public var rawOutput: String { String(decoding: bytes, as: UTF8.self) }

    /// What a reader sees: escape sequences and carriage returns removed, backspaces applied
    /// crudely (enough for readline's simple redraws).
    public var screenText: String { PseudoTerminal.strip(rawOutput) }

    /// Output written since the last `mark()`, stripped like `screenText`.
    public var textSinceMark: String { PseudoTerminal.strip(String(decoding: bytes[markOffset...], as: UTF8.self)) }

    /// Later `waitFor` calls only look at output that arrives after this point.
    public func mark() {
        drain(timeout: .zero)
        markOffset = bytes.count
    }

    /// Waits until `text` appears in the stripped output since the last mark; false on timeout.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(10)) -> Bool {
        waitUntil(timeout: timeout) { $0.textSinceMark.contains(text) }
    }

    /// Waits until the stripped output since the last mark ends with `suffix` (a prompt the
    /// program is now waiting at); false on timeout.
    @discardableResult
    public func waitFor(suffix: String, timeout: Duration = .seconds(10)) -> Bool {
        waitUntil(timeout: timeout) { $0.textSinceMark.hasSuffix(suffix) }
    }

    /// Waits until `condition` holds for this terminal; false on timeout.
    public func waitUntil(timeout: Duration = .seconds(10), _ condition: (PseudoTerminal) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if condition(self) { return true }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return false }
            if !drain(timeout: min(remaining, .milliseconds(50))) && exitStatus != nil {
                return condition(self)
            }
        }
    }

    /// Waits for the program to end; its exit status, or nil on timeout or death by a signal.
    public func waitForExit(timeout: Duration = .seconds(10)) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while exitStatus == nil {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                exitStatus = status
                break
            }
            if ContinuousClock.now >= deadline { return nil }
            drain(timeout: .milliseconds(20))   // keep the pty from filling up
        }
        drain(timeout: .zero)
        guard let status = exitStatus, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// Reads what is available within `timeout`. Returns false when nothing more can come.
    @discardableResult
    private func drain(timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000
                                 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var waitMilliseconds = milliseconds
        while true {
            let ready = poll(&descriptor, 1, waitMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return true }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count <= 0 { return false }   // EIO: the child closed the terminal
            bytes.append(contentsOf: chunk[0..<count])
            waitMilliseconds = 0             // take whatever else is already there, then return
        }
    }

    /// Removes ANSI escape sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL`, two-byte
    /// `ESC x`), carriage returns and bells; a backspace erases the previous character.
    public static func strip(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\u{1B}":
                guard let next = scalars.next() else { break }
                if next == "[" {
                    while let s = scalars.next(), !(("@"..."~").contains(s)) {}
                } else if next == "]" {
                    while let s = scalars.next(), s != "\u{07}" {}
                }
            case "\r", "\u{07}":
                continue
            case "\u{08}":
                if !result.isEmpty { result.removeLast() }
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }
}
