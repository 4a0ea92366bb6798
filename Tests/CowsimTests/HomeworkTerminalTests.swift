import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cowsim quiz` on a real pseudo-terminal: the answer prompt is readline's (the same pattern
/// as Tests/CowShellTests/PseudoTerminal.swift, reduced to what this test needs). Every wait
/// has a timeout, so the test cannot hang.
final class HomeworkTerminal {
    let pid: pid_t
    private let master: Int32
    private var bytes: [UInt8] = []
    private var status: Int32?

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        var masterFD: Int32 = -1, slaveFD: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        try #require(openpty(&masterFD, &slaveFD, nil, nil, &size) == 0)
        defer { close(slaveFD) }
        _ = fcntl(masterFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slaveFD, F_SETFD, FD_CLOEXEC)
        let slavePath = try #require(ttyname(slaveFD).map { String(cString: $0) })
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // POSIX_SPAWN_SETSID (0x80): the pty becomes the child's controlling terminal.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        guard posix_spawn(&child, executable, &actions, &attributes, argv, envp) == 0 else {
            close(masterFD)
            throw PosixFailure()
        }
        pid = child
        master = masterFD
    }

    struct PosixFailure: Error {}

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var s: Int32 = 0
            waitpid(pid, &s, 0)
        }
        close(master)
    }

    func send(_ text: String) {
        let data = Array(text.utf8)
        _ = data.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// What was written, escape sequences and carriage returns removed.
    var text: String {
        var out = String.UnicodeScalarView()
        var scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars.makeIterator()
        while let s = scalars.next() {
            switch s {
            case "\u{1B}":
                if scalars.next() == "[" { while let t = scalars.next(), !("@"..."~").contains(t) {} }
            case "\r", "\u{07}": continue
            default: out.append(s)
            }
        }
        return String(out)
    }

    /// Waits until the text ends with `suffix` (false after the timeout).
    @discardableResult
    func waitFor(suffix: String, timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.hasSuffix(suffix) { return true }
            drain(milliseconds: 50)
        }
        return text.hasSuffix(suffix)
    }

    /// The exit status, or nil on a timeout.
    func waitForExit(timeout: Duration = .seconds(10)) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var s: Int32 = 0
            if waitpid(pid, &s, WNOHANG) == pid {
                status = s
                drain(milliseconds: 0)
                return s & 0x7f == 0 ? (s >> 8) & 0xff : nil
            }
            drain(milliseconds: 20)
        }
        return nil
    }

    private func drain(milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        var wait = milliseconds
        while poll(&descriptor, 1, wait) > 0 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes.append(contentsOf: chunk[0..<n])
            wait = 0
        }
    }
}

@Suite("cowsim quiz on a terminal", .serialized)
struct HomeworkTerminalTests {
    @Test("the quiz prompts with readline, re-asks after a malformed answer, and scores")
    func quizOnATerminal() throws {
        let binary = try #require(cowsimBinary)
        let dir = try HomeworkFolder()
        dir.write("hw.cow", HomeworkBinaryTests.problem)
        let terminal = try HomeworkTerminal(executable: binary, arguments: ["quiz", dir.path + "/hw.cow"],
                                            environment: ["HOME": dir.path, "TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8"])
        #expect(terminal.waitFor(suffix: "Q1 (2 points): What is the Pss of b?\nanswer> "))
        terminal.send("two\r")
        #expect(terminal.waitFor(suffix: "`two` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none; try again\nanswer> "))
        // Line editing: type a wrong digit, erase it with backspace, type the right one.
        terminal.send("3\u{7F}2\r")
        #expect(terminal.waitFor(suffix: "right (+2 points)\nQ2 (1 point): Which frame does b map at 0x10000?\nanswer> "))
        terminal.send("0\r")
        #expect(terminal.waitFor(suffix: "answer> "))
        terminal.send("none\r")
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.text.hasSuffix("right (+1 point)\nScore: 4/4 (3 of 3 questions right)\n"), "\(terminal.text)")
    }
}
