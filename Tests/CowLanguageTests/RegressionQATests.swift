#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import CowLanguage

/// Bugs found by QA (fuzzing and hand probing), one test each, expected values written by hand.
@Suite struct RegressionQATests {
    // MARK: - Names with control characters

    /// `spawn "a\nb"` used to make a process whose name broke every table, event line and `#>`
    /// transcript in two ("spawn  a" / "b (pid 1)"); an escape sequence in a name drove the
    /// terminal. Names of processes, files and regions now refuse control characters.
    @Test("a process name with a newline is refused, with the caret under the name")
    func processNameWithNewline() {
        let r = run("spawn \"a\\nb\"")
        #expect(!r.ok)
        #expect(r.lines == [
            "t.cow:1:7: error: a process name cannot contain control characters such as a newline or a tab (found U+000A)",
            "    spawn \"a\\nb\"",
            "          ^~~~~~",
        ])
        #expect(r.session.machine.processes.isEmpty)
    }

    @Test("a forked child's name with a tab is refused and nothing is forked")
    func childNameWithTab() {
        let r = run("spawn a\nfork a as \"x\\ty\"")
        #expect(!r.ok)
        #expect(firstError("spawn a\nfork a as \"x\\ty\"")
                == "t.cow:2:11: error: a process name cannot contain control characters such as a newline or a tab (found U+0009)")
        #expect(r.session.machine.processes.count == 1)
    }

    @Test("file, library and region names refuse control characters too")
    func fileLibraryRegionNames() {
        #expect(firstError("file \"f\\n\" pages 1")
                == "t.cow:1:6: error: a file name cannot contain control characters such as a newline or a tab (found U+000A)")
        #expect(firstError("library \"l\\t\" text 1 data 1")
                == "t.cow:1:9: error: a file name cannot contain control characters such as a newline or a tab (found U+0009)")
        // (The caret is under the range for now: see /work/plan/QA.md, "map errors point at the range".)
        #expect(firstError("spawn a\nmap a anon 0 pages 1 as \"h\\n\"")
                .hasSuffix(": error: a region name cannot contain control characters such as a newline or a tab (found U+000A)"))
        // A right-to-left override would make the name read differently from what it holds.
        #expect(firstError("spawn \"ab\u{202E}c\"")
                == "t.cow:1:7: error: a process name cannot contain control characters such as a newline or a tab (found U+202E)")
    }

    @Test("names with spaces, accents and emoji (even joined ones) are still fine")
    func printableNamesStillWork() {
        let r = run("spawn \"my app\"\nfork \"my app\" as \"🐄\"\nfork \"🐄\" as \"👩‍💻\"\nfile \"données\" pages 1")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines == [
            "spawn  my app (pid 1)",
            "fork   my app (pid 1) -> 🐄 (pid 2): 0 page-table entries copied, no frame copied",
            "fork   🐄 (pid 2) -> 👩‍💻 (pid 3): 0 page-table entries copied, no frame copied",
            "file données: 1 page, on disk",
        ])
    }

    // MARK: - "Did you mean" never names a word that is already right

    /// `map a file f 0 pages 4 shared rw` said "found `rw`" and then "did you mean `rw`?" (and,
    /// with the word itself skipped, "did you mean `r`?"): `rw` is spelt right, only misplaced.
    @Test("no suggestion for a word that is itself one of the candidates")
    func noSuggestionForCorrectWord() {
        #expect(Suggestions.nearest(to: "rw", in: ["shared", "as", "offset", "r", "rw", "rx", "rwx"]) == nil)
        #expect(Suggestions.nearest(to: "fork", in: ["fork", "vfork"]) == nil)
        // Still suggested: a slip, and the same word in other letter case.
        #expect(Suggestions.nearest(to: "frok", in: ["fork", "vfork"]) == "fork")
        #expect(Suggestions.nearest(to: "Fork", in: ["fork", "vfork"]) == "fork")
    }

    @Test("misplaced permissions get no nonsense suggestion")
    func misplacedPermissions() {
        let r = run("file f pages 4\nspawn a\nmap a file f 0 pages 4 shared rw")
        #expect(!r.ok)
        #expect(!r.output.contains("did you mean"), "\(r.output)")
    }

    // MARK: - Reading endless files

    /// `source /dev/zero` (or `cowsim /dev/zero`, or an endless pipe into `cowsim -`) read until
    /// memory ran out. Reads now stop at a limit with an error.
    @Test("reading a device that never ends stops at the limit with an error")
    func endlessDeviceStops() {
        switch SystemIO.readFile("/dev/zero", limit: 100_000) {
        case .success(let bytes): Issue.record("read \(bytes.count) bytes of /dev/zero")
        case .failure(let failure):
            #expect(failure.reason == "larger than 100000 bytes, the most cowsim reads (is it a device such as /dev/zero?)")
        }
    }

    @Test("a regular file over the limit is refused before it is read; one at the limit is read")
    func regularFileLimit() throws {
        let path = try temporaryFile("echo 1\n")   // 7 bytes
        defer { unlink(path) }
        switch SystemIO.readFile(path, limit: 6) {
        case .success: Issue.record("a 7-byte file was read with a 6-byte limit")
        case .failure(let failure):
            #expect(failure.reason == "larger than 6 bytes, the most cowsim reads (is it a device such as /dev/zero?)")
        }
        switch SystemIO.readFile(path, limit: 7) {
        case .success(let bytes): #expect(bytes == Array("echo 1\n".utf8))
        case .failure(let failure): Issue.record("\(failure.reason)")
        }
        #expect(SystemIO.maxReadBytes == 268_435_456)
    }

    // MARK: - `cowsim test` and FIFOs

    /// A FIFO called `x.cow` under a directory given to `cowsim test` made the run wait forever
    /// for a writer. The walk now takes regular files only.
    @Test("a directory walk skips a FIFO named like a script")
    func walkSkipsFifo() throws {
        let directory = try temporaryDirectory()
        defer {
            unlink(directory + "/a.cow")
            unlink(directory + "/pipe.cow")
            rmdir(directory)
        }
        _ = try temporaryFile("echo 1\n", at: directory + "/a.cow")
        #expect(mkfifo(directory + "/pipe.cow", 0o600) == 0)
        #expect(FileTree.scripts(under: [directory]) == [.script(directory + "/a.cow")])
    }

    // MARK: - Diagnostics of hostile lines

    /// A 1 MB line with an error was printed whole, twice (the line and its caret line): 2 MB
    /// of error. Long lines are now shown as a 120-character window around the caret.
    @Test("a long line is shown as a window ending at a caret near its end")
    func longLineWindowAtEnd() {
        let line = "echo 1" + String(repeating: " ", count: 300) + "x"
        let r = run(line)
        #expect(!r.ok)
        #expect(r.lines.count >= 3)
        #expect(r.lines.first == "t.cow:1:307: error: unexpected `x` after the `echo` command")
        #expect(r.lines.dropFirst().first == "    ..." + String(repeating: " ", count: 119) + "x")
        #expect(r.lines.dropFirst(2).first == String(repeating: " ", count: 4 + 3 + 119) + "^")
    }

    @Test("a long line with the caret near its start is cut after the window")
    func longLineWindowAtStart() {
        let line = "echo 1 x" + String(repeating: " ", count: 300)
        let r = run(line)
        #expect(r.lines.first == "t.cow:1:8: error: unexpected `x` after the `echo` command")
        #expect(r.lines.dropFirst().first == "    echo 1 x" + String(repeating: " ", count: 112) + "...")
        #expect(r.lines.dropFirst(2).first == "           ^")
    }

    /// An escape byte in a script was echoed raw in the error's copy of the line, so a script
    /// could recolour or retitle the terminal through its own error message.
    @Test("control characters in the shown line appear as their symbols, caret aligned")
    func controlCharactersShownAsSymbols() {
        let r = run("echo 1 \u{1B}[31m")
        #expect(r.lines.prefix(3) == [
            "t.cow:1:8: error: unexpected control character (byte 27)",
            "    echo 1 \u{241B}[31m",
            "           ^",
        ])
    }

    // MARK: - Helpers

    private func temporaryDirectory() throws -> String {
        var template = Array("/tmp/cowsim-qa-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw SystemIO.Failure(reason: "mkdtemp failed")
        }
        return String(cString: made)
    }

    @discardableResult
    private func temporaryFile(_ text: String, at path: String? = nil) throws -> String {
        let target: String
        if let path {
            target = path
        } else {
            var template = Array("/tmp/cowsim-qa-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
            guard fd >= 0 else { throw SystemIO.Failure(reason: "mkstemp failed") }
            close(fd)
            target = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        if case .failure(let failure) = SystemIO.writeFile(target, text) { throw failure }
        return target
    }
}
