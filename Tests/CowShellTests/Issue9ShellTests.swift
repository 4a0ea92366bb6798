#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowTestSupport
import CowLanguage
@testable import CowShell

/// Issue 9, the shell's part: Ctrl-C in scripts, atomic writes, `save ... replace`, history
/// written as it is typed and read safely. Each test failed before its fix; expected values are
/// written by hand. The binary tests run against whichever binary COWSIM_BINARY names (./dev/test
/// runs them against the debug build and against the release build ./dev/start ships).
@Suite("Issue 9: Ctrl-C in scripts, atomic writes, history", .serialized)
struct Issue9ShellTests {
    static let terminalEnvironment = ["NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]

    /// Starts the binary on a pseudo-terminal in `home`, with HOME and XDG_STATE_HOME there.
    func terminal(_ arguments: [String], home: TemporaryDirectory) throws -> PseudoTerminal {
        var environment = Self.terminalEnvironment
        environment["HOME"] = home.path
        environment["XDG_STATE_HOME"] = home.path + "/state"
        return try PseudoTerminal(executable: try CowsimBinary.require(), arguments: arguments, environment: environment)
    }

    /// Runs the binary with writes past 4 KB failing (`ulimit -f 4`; SIGXFSZ ignored, so the
    /// write fails with EFBIG instead of killing the process), standard error into stdout.
    func runWithSmallFileLimit(_ arguments: [String], in directory: TemporaryDirectory) throws -> ProcessResult {
        let binary = try CowsimBinary.require()
        return try ProcessRunner.run("/bin/bash", arguments: ["-c", "cd \"$1\" && trap '' XFSZ && ulimit -f 4 && shift && exec \"$@\"",
                                                              "bash", directory.path, binary] + arguments,
                                     environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"],
                                     standardErrorToOutput: true, timeout: .seconds(60))
    }

    /// Names in `directory` other than `keep` (a leftover temporary file would show here).
    func strayFiles(_ directory: TemporaryDirectory, keep: Set<String>) -> [String] {
        listDirectory(directory.path).filter { !keep.contains($0) }
    }

    // MARK: - Ctrl-C while a script file runs (item 3)

    @Test("Ctrl-C in a script's long repeat says where it stopped (file:line) and exits with 130")
    func controlCInScriptFile() throws {
        let home = try TemporaryDirectory()
        #expect(home.write("x.cow", "spawn a\nmap a anon 0x10000 pages 1 rw\nrepeat 1000000000 as i\n  write a 0x10000 i\nend\necho \"after\"\n"))
        let shell = try terminal([home.path + "/x.cow"], home: home)
        #expect(shell.waitFor("demand-zero", timeout: .seconds(20)), "screen: \(shell.screenText)")
        shell.send("\u{03}")
        #expect(shell.waitForExit(timeout: .seconds(20)) == 130, "screen: \(shell.screenText)")
        #expect(shell.screenText.contains("\(home.path)/x.cow:3:1: error: interrupted after "), "screen: \(shell.screenText)")
        #expect(!shell.screenText.contains("after\n"))
    }

    @Test("Ctrl-C between two commands of a script stops before the next one, naming its line")
    func interruptBetweenCommands() {
        let sink = RecordingSink()
        let session = Session(output: sink)
        let polls = PollCounter(interruptFrom: 3)
        session.isInterrupted = { polls.poll() }
        let ok = session.run(source: "spawn a\nspawn b\nspawn c\nspawn d\n", fileName: "x.cow")
        #expect(!ok)
        #expect(sink.text.contains("spawn  b (pid 2)"))
        #expect(!sink.text.contains("spawn  c"))
        #expect(sink.text.contains("x.cow:3:1: error: interrupted before this command\n    spawn c\n"), "saw \(sink.text)")
    }

    // MARK: - Atomic writes (item 4)

    /// A script whose `#>` lines are out of date and whose updated text is over 4 KB.
    static let staleTranscript: String = {
        var text = "# a long transcript\n"
        for index in 1...120 { text += "echo \"line \(index) of a transcript that is long enough\"\n#> stale\n" }
        return text
    }()

    @Test("--update whose write fails (file size limit) reports the error, exits 1, leaves the script as it was")
    func updateWriteFailureKeepsOriginal() throws {
        let directory = try TemporaryDirectory()
        #expect(directory.write("t.cow", Self.staleTranscript))
        let result = try runWithSmallFileLimit(["--update", "t.cow"], in: directory)
        #expect(result.status == 1, "output: \(result.stdout)")
        #expect(result.stdout.contains("t.cow: error: cannot write t.cow: File too large"), "output: \(result.stdout)")
        #expect(directory.read("t.cow") == Self.staleTranscript)
        #expect(strayFiles(directory, keep: ["t.cow"]).isEmpty, "left: \(strayFiles(directory, keep: ["t.cow"]))")
    }

    @Test("--update that succeeds replaces the script and keeps its permissions (an executable stays executable)")
    func updateKeepsMode() throws {
        let directory = try TemporaryDirectory()
        #expect(directory.write("t.cow", "echo \"hi\"\n#> stale\n"))
        chmod(directory.path + "/t.cow", 0o750)
        let result = try CowsimBinary.run(["--update", directory.path + "/t.cow"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(directory.read("t.cow") == "echo \"hi\"\n#> hi\n")
        #expect(fileMode(directory.path + "/t.cow") == 0o750)
        #expect(strayFiles(directory, keep: ["t.cow"]).isEmpty)
    }

    @Test("solve -o whose write fails reports it and exits 1; the old sheet stays whole")
    func solveWriteFailureKeepsOriginal() throws {
        let directory = try TemporaryDirectory()
        var problem = ""
        for index in 1...60 { problem += "ask \"Question \(index): how many frames does a fresh machine use?\" 0 hint \"none at all, nothing is mapped\"\n" }
        #expect(directory.write("p.cow", problem))
        #expect(directory.write("sheet.txt", "the old sheet\n"))
        let result = try runWithSmallFileLimit(["solve", "p.cow", "-o", "sheet.txt", "--replace"], in: directory)
        #expect(result.status == 1, "output: \(result.stdout)")
        #expect(result.stdout.contains("cannot write sheet.txt: File too large"), "output: \(result.stdout)")
        #expect(directory.read("sheet.txt") == "the old sheet\n")
        #expect(strayFiles(directory, keep: ["p.cow", "sheet.txt"]).isEmpty)
    }

    @Test("solve -o refuses an existing file without --replace (it could be the problem itself) and replaces it with it")
    func solveKeepsAnExistingFileUnlessAsked() throws {
        let directory = try TemporaryDirectory()
        let problem = directory.path + "/p.cow", sheet = directory.path + "/sheet.txt"
        #expect(directory.write("p.cow", "ask \"How many frames are used?\" frames_used\n"))
        let refused = try CowsimBinary.run(["solve", problem, "-o", problem])
        #expect(refused.status == 1)
        #expect((refused.stdout + refused.stderr).contains("cannot write \(problem): it exists; --replace replaces it"),
                "output: \(refused.stdout)\(refused.stderr)")
        #expect(directory.read("p.cow") == "ask \"How many frames are used?\" frames_used\n")
        #expect(try CowsimBinary.run(["solve", problem, "-o", sheet]).status == 0)
        #expect(directory.read("sheet.txt")?.contains("How many frames are used?") == true)
        #expect(directory.write("sheet.txt", "the old sheet\n"))
        let replaced = try CowsimBinary.run(["solve", problem, "-o", sheet, "--replace"])
        #expect(replaced.status == 0, "output: \(replaced.stdout)\(replaced.stderr)")
        #expect(directory.read("sheet.txt")?.contains("How many frames are used?") == true)
        #expect(strayFiles(directory, keep: ["p.cow", "sheet.txt"]).isEmpty)
    }

    @Test("`save FILE replace` whose write fails is an error (status 1) and the old file is untouched")
    func saveWriteFailureKeepsOriginal() throws {
        let directory = try TemporaryDirectory()
        #expect(directory.write("s.cow", "# my precious script\n"))
        let long = String(repeating: "x", count: 5000)
        let result = try runWithSmallFileLimit(["-q", "-c", "echo \"\(long)\"; save s.cow replace"], in: directory)
        #expect(result.status == 1, "output: \(result.stdout.suffix(300))")
        #expect(result.stdout.contains("error: cannot write s.cow: File too large"), "output: \(result.stdout.suffix(300))")
        #expect(directory.read("s.cow") == "# my precious script\n")
        #expect(strayFiles(directory, keep: ["s.cow"]).isEmpty)
    }

    @Test("SystemIO.writeFile: a failed write leaves the target and no temporary; success replaces it")
    func writeFileUnit() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/f.txt"
        #expect(writeText(path, "old\n"))
        // A folder that cannot be written: the temporary cannot be created, the file stays.
        chmod(directory.path, 0o500)
        let refused = SystemIO.writeFile(path, "new\n")
        chmod(directory.path, 0o700)
        if geteuid() != 0 {   // root may write anyway
            guard case .failure = refused else { Issue.record("writing into a read-only folder succeeded"); return }
            #expect(readText(path) == "old\n")
        }
        guard case .success = SystemIO.writeFile(path, "new\n") else { Issue.record("write failed"); return }
        #expect(readText(path) == "new\n")
        #expect(listDirectory(directory.path) == ["f.txt"])
    }

    // MARK: - save refuses to replace (item 5)

    @Test("`save FILE` refuses an existing file (it is kept); `save FILE replace` replaces it")
    func saveRefusesToReplace() throws {
        let directory = try TemporaryDirectory()
        #expect(directory.write("s.cow", "# mine\n"))
        let refused = try CowsimBinary.run(["-c", "spawn a; save \(directory.path)/s.cow"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error: \(directory.path)/s.cow exists; `save \(directory.path)/s.cow replace` replaces it"), "\(refused.stderr)")
        #expect(directory.read("s.cow") == "# mine\n")

        let replaced = try CowsimBinary.run(["-c", "spawn a; save \(directory.path)/s.cow replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(directory.read("s.cow") == "# saved by cowsim \(CowsimVersion.number)\nspawn a\n")

        let quoted = try CowsimBinary.run(["-c", "spawn b; save \"\(directory.path)/s.cow\" replace"])
        #expect(quoted.status == 0, "\(quoted.stderr)")
        #expect(directory.read("s.cow") == "# saved by cowsim \(CowsimVersion.number)\nspawn b\n")

        let fresh = try CowsimBinary.run(["-c", "spawn c; save \(directory.path)/new.cow"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(directory.read("new.cow") == "# saved by cowsim \(CowsimVersion.number)\nspawn c\n")
    }

    // MARK: - History appended as typed (item 6), read safely (item 7)

    @Test("history lines are on disk as soon as they are typed: a hang-up (SIGHUP) or SIGTERM loses none")
    func historySurvivesHangUpAndTerm() throws {
        for signalNumber in [SIGHUP, SIGTERM] {
            let home = try TemporaryDirectory()
            let shell = try terminal([], home: home)
            #expect(shell.waitFor("> "))
            for line in ["spawn a", "echo \"two\"", "stats"] {
                shell.mark()
                shell.send(line + "\r")
                #expect(shell.waitFor(suffix: "> "))
            }
            kill(shell.pid, signalNumber)
            _ = shell.waitForExit()
            #expect(readText(home.path + "/state/cowsim/history") == "spawn a\necho \"two\"\nstats\n", "signal \(signalNumber)")
        }
    }

    @Test("a history file of more than 1000 entries is trimmed to the newest 1000 when loaded")
    func historyTrimmedOnLoad() throws {
        let home = try TemporaryDirectory()
        let path = home.path + "/history"
        var text = ""
        for index in 1...1003 { text += "echo \(index)\n" }
        #expect(writeText(path, text))
        let history = History(path: path, warn: { _ in })
        history.load()
        history.add("echo new")
        var expected = ""
        for index in 4...1003 { expected += "echo \(index)\n" }
        #expect(readText(path) == expected + "echo new\n")
        history.save()
        #expect(readText(path) == String(expected.drop { $0 != "\n" }.dropFirst()) + "echo new\n")
    }

    @Test("a history path that is /dev/zero or a FIFO: one warning, and the REPL works")
    func historyPathNotARegularFile() throws {
        for kind in ["device", "fifo"] {
            let home = try TemporaryDirectory()
            let folder = home.path + "/state/cowsim"
            #expect(mkdir(home.path + "/state", 0o700) == 0 && mkdir(folder, 0o700) == 0)
            if kind == "device" {
                #expect(symlink("/dev/zero", folder + "/history") == 0)
            } else {
                #expect(mkfifo(folder + "/history", 0o600) == 0)
            }
            let shell = try terminal([], home: home)
            #expect(shell.waitFor("> ", timeout: .seconds(20)), "\(kind): \(shell.screenText)")
            shell.mark()
            shell.send("echo \"still here\"\r")
            #expect(shell.waitFor("still here\n"), "\(kind): \(shell.screenText)")
            shell.send("quit\r")
            #expect(shell.waitForExit(timeout: .seconds(20)) == 0, "\(kind): \(shell.screenText)")
            let warnings = shell.screenText.split(separator: "\n").filter { $0.contains("warning:") }
            #expect(warnings == ["cowsim: warning: history file \(folder)/history is not a regular file; history will not be saved"],
                    "\(kind): \(shell.screenText)")
        }
    }
}

/// The repository's root (this file is Tests/CowShellTests/Issue9ShellTests.swift).
private let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

@Suite("Issue 9: set-up scripts and README")
struct Issue9SetUpTests {
    @Test("./dev/start and ./dev/test build the release binary with one script; the tests run against it; CI fuzzes")
    func releaseBinaryIsTested() throws {
        let build = try #require(readText(repositoryRoot + "/dev/build-release"))
        #expect(build.contains("swift build -c release --product cowsim"))
        let start = try #require(readText(repositoryRoot + "/dev/start"))
        #expect(start.contains("./dev/build-release") && !start.contains("swift build"))
        let test = try #require(readText(repositoryRoot + "/dev/test"))
        #expect(test.contains("release=$(./dev/build-release)"))
        #expect(test.contains("COWSIM_BINARY=\"$release\" swift test --skip-build --disable-xctest --filter 'CowShellTests|CowsimTests'"))
        let ci = try #require(readText(repositoryRoot + "/.ci/run"))
        #expect(ci.contains("./dev/fuzz 60"))
    }

    @Test("the README says where the built binary is and how to put cowsim on the PATH")
    func readmeNamesTheBinary() throws {
        let readme = try #require(readText(repositoryRoot + "/README.md"))
        let start = try #require(readme.firstRange(of: "## Set up"))
        let rest = readme[start.upperBound...]
        let setUp = rest[..<(rest.firstRange(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        #expect(setUp.contains(".build/release/cowsim"))
        #expect(setUp.contains("ln -sf \"$PWD/.build/release/cowsim\" ~/.local/bin/cowsim"))
        #expect(setUp.contains("PATH"))
    }
}

/// Counts polls of `isInterrupted`; reports an interrupt from the `interruptFrom`-th on.
final class PollCounter: @unchecked Sendable {
    private var count = 0
    private let first: Int
    init(interruptFrom first: Int) { self.first = first }
    func poll() -> Bool {
        count += 1
        return count >= first
    }
}
