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
        // The caret is under the name (regionNameCaret below checks the column).
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

    @Test("permissions given twice get no nonsense suggestion")
    func misplacedPermissions() {
        // (Permissions after `shared` are accepted since QA item 4; given twice they are an error.)
        let r = run("file f pages 4\nspawn a\nmap a file f 0 pages 4 r shared rw")
        #expect(!r.ok)
        #expect(!r.output.contains("did you mean"), "\(r.output)")
        #expect(firstError("file f pages 4\nspawn a\nmap a file f 0 pages 4 r shared rw")
                == "t.cow:3:33: error: permissions are given twice")
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

// MARK: - Second QA round: nesting, recursion, carets, clause order, names

extension RegressionQATests {
    /// QA item 0: nesting blocks or prefixes 1000 deep overflowed the stack (SIGSEGV).
    @Test("blocks nested 1000 deep are an error, not a stack overflow")
    func deeplyNestedBlocks() {
        for opener in ["repeat 1\n", "quiet\n", "show\n"] {
            let script = String(repeating: opener, count: 1000) + "echo 1\n" + String(repeating: "end\n", count: 1000)
            #expect(firstError(script) == "t.cow:65:1: error: blocks nested too deeply (more than 64 levels)")
            // Even with --keep-going, the error is reported once and the rest is not run.
            let r = run(script, options: SessionOptions(keepGoing: true))
            #expect(!r.ok)
            #expect(r.lines.filter { $0.contains(": error: ") } == ["t.cow:65:1: error: blocks nested too deeply (more than 64 levels)"])
        }
        #expect(firstError(String(repeating: "quiet ", count: 1000) + "echo 1")
                == "t.cow:1:385: error: blocks nested too deeply (more than 64 levels)")
        #expect(firstError(String(repeating: "expect-error ", count: 1000) + "echo 1")
                == "t.cow:1:833: error: blocks nested too deeply (more than 64 levels)")
        // An unclosed pile of openers too.
        #expect(firstError(String(repeating: "repeat 1\n", count: 3000))
                == "t.cow:65:1: error: blocks nested too deeply (more than 64 levels)")
    }

    @Test("64 nested blocks still run")
    func sixtyFourNestedBlocks() {
        let script = String(repeating: "repeat 1\n", count: 63) + "show\necho 1\n" + String(repeating: "end\n", count: 64)
        let r = run(script)
        #expect(r.ok, "\(r.output)")
        #expect(r.lines == ["1"])
        let prefixes = run(String(repeating: "quiet ", count: 63) + "show echo 2")
        #expect(prefixes.ok, "\(prefixes.output)")
        #expect(prefixes.lines == ["2"])
    }

    /// QA item 0, across `source`: 16 files of 60 nested blocks would recurse 960 levels deep.
    @Test("blocks nested across sourced files stop at 256 levels")
    func nestedBlocksAcrossSource() throws {
        let directory = try temporaryDirectory()
        let blocks = String(repeating: "repeat 1\n", count: 60)
        let ends = String(repeating: "end\n", count: 60)
        try temporaryFile(blocks + "source n.cow\n" + ends, at: directory + "/n.cow")
        let r = run("source \(directory)/n.cow")
        #expect(!r.ok)
        let errors = r.lines.filter { $0.contains(": error: ") }
        #expect(errors == ["\(directory)/n.cow:17:1: error: blocks nested too deeply (more than 256 levels, counting sourced files)"])
    }

    /// QA item 1: `expect-error source SELF` twice ran the file 2^16 times.
    @Test("expect-error cannot catch the source depth limit")
    func expectErrorSourceSelf() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/x.cow"
        try temporaryFile("expect-error source x.cow\nexpect-error source x.cow\n", at: path)
        let sink = BufferSink()
        let session = Session(options: SessionOptions(keepGoing: true), output: sink)
        #expect(!session.run(file: path))
        let errors = sink.text.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors == ["\(path):1:21: error: `source` nested more than 16 deep: does a file source itself?"])
    }

    /// QA item 2: the caret was under the file's name when its page count was wrong.
    @Test("file and library counts are reported at the count")
    func fileLibraryCountCarets() {
        #expect(run("file f pages 9223372036854775807").lines == [
            "t.cow:1:14: error: a file may have at most 16777216 pages, got 9223372036854775807",
            "    file f pages 9223372036854775807",
            "                 ^~~~~~~~~~~~~~~~~~~",
        ])
        #expect(firstError("file f pages 0") == "t.cow:1:14: error: a file needs at least one page, got 0")
        #expect(firstError("library l text 0 data 0") == "t.cow:1:16: error: a library needs at least one text page, got 0")
        #expect(firstError("library l text 1 data -1") == "t.cow:1:23: error: data pages must not be negative, got -1")
        #expect(run("library l text 16777216 data 16777216").lines == [
            "t.cow:1:16: error: a file may have at most 16777216 pages, got 33554432",
            "    library l text 16777216 data 16777216",
            "                   ^~~~~~~~~~~~~~~~~~~~~~",
        ])
        // A bad name is still reported at the name.
        #expect(firstError("file \"f\\n\" pages 0")
                == "t.cow:1:6: error: a file name cannot contain control characters such as a newline or a tab (found U+000A)")
    }

    /// QA item 3: a bad region name was reported at the range.
    @Test("a bad region name is reported at the name")
    func regionNameCaret() {
        #expect(firstError("spawn a\nmap a anon 0 pages 1 as \"h\\n\"")
                == "t.cow:2:25: error: a region name cannot contain control characters such as a newline or a tab (found U+000A)")
    }

    /// QA item 4: permissions had to come right after the range.
    @Test("permissions may follow the other map clauses")
    func permissionsAnywhere() {
        let r = run("spawn a\nmap a anon 0 pages 4 shared r as buf")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.last == "a: mapped buf 0x0..0x4000 (4 pages, r--, shared anonymous)")
        #expect(firstError("spawn a\nmap a anon 0 pages 4 rw shared rw") == "t.cow:2:32: error: permissions are given twice")
    }

    /// QA item 6: a NUL inside a word cut the word short ("unknown command `ec`").
    @Test("a control byte inside a word is reported as such")
    func controlByteInsideWord() {
        #expect(firstError("ec\u{0}ho 1") == "t.cow:1:3: error: unexpected control character (byte 0)")
        #expect(firstError("echo 1\nec\u{1B}ho 1") == "t.cow:2:3: error: unexpected control character (byte 27)")
    }

    /// QA item 7: `let page_size = 3` silently changed `page_size` for the rest of the script.
    @Test("variables cannot take the names of functions without arguments")
    func functionNamesRefused() {
        #expect(firstError("let page_size = 3") == "t.cow:1:5: error: `page_size` is a function; choose another name for the variable")
        #expect(firstError("repeat 2 as frames_free\nend")
                == "t.cow:1:13: error: `frames_free` is a function; choose another name for the variable")
        #expect(value("size + 1", after: "let size = 3") == "4")
    }

    /// QA item 9: after a syntax error, --keep-going skipped the rest of a `;` line.
    @Test("--keep-going goes on after a syntax error on a ; line")
    func keepGoingAfterSyntaxErrorOnSemicolonLine() {
        let r = run("fokr; echo \"after\"; echo (1; 2); echo \"last\"", options: SessionOptions(keepGoing: true))
        #expect(!r.ok)
        #expect(r.lines.filter { !$0.hasPrefix(" ") && !$0.contains(": error: ") && !$0.contains("note:") } == ["after", "last"])
        // Without --keep-going nothing after the error runs.
        let stop = run("fokr; echo \"after\"")
        #expect(!stop.lines.contains("after"))
        // A block on one line still finds its `end` after an error inside it.
        let block = run("repeat 2; fokr; end; echo \"x\"", options: SessionOptions(keepGoing: true))
        #expect(block.lines.last == "x")
        #expect(!block.output.contains("no matching"))
    }

    /// QA item 10: `repeat (1` made the REPL ask for `end` lines.
    @Test("a block opener with a syntax error is complete")
    func incompleteOnlyWithoutErrors() {
        let session = Session(output: BufferSink())
        #expect(!session.isIncomplete("repeat (1"))
        #expect(session.isIncomplete("quiet quiet"))   // (a `quiet` block holding a `quiet` block)
        #expect(session.isIncomplete("repeat 1"))
        #expect(session.isIncomplete("repeat 2 as i\nquiet\necho i\nend"))
        #expect(!session.isIncomplete("repeat 2 as i\necho i\nend"))
        #expect(!session.isIncomplete(String(repeating: "repeat 1\n", count: 3000)))
    }

    /// QA item 11: `ask` wording.
    @Test("ask says which clause is given twice and refuses an empty question")
    func askWording() {
        #expect(firstError("ask \"q\" 1 points 1 points 2") == "t.cow:1:20: error: `points` is given twice")
        #expect(firstError("ask \"q\" 1 hint \"a\" hint \"b\"") == "t.cow:1:20: error: `hint` is given twice")
        #expect(firstError("ask \"\" 1") == "t.cow:1:5: error: the question is empty; write the question between the quotes")
        #expect(firstError("ask \"  \" 1") == "t.cow:1:5: error: the question is empty; write the question between the quotes")
    }

    /// QA item 5: `save` after a block that failed part-way silently wrote a script that does not
    /// rebuild the same state.
    @Test("save notes blocks that failed part-way")
    func saveNotesPartlyFailedBlocks() throws {
        let directory = try temporaryDirectory()
        let r = run("spawn a\nrepeat 3\nspawn x\nend\nsave \(directory)/s.cow", options: SessionOptions(keepGoing: true))
        #expect(r.lines.suffix(2) == [
            "saved 1 command to \(directory)/s.cow",
            "note: 1 block that failed part-way is not saved; the saved script may not rebuild the same state",
        ])
        // Without a failed block, no note.
        let clean = run("spawn a\nsave \(directory)/t.cow")
        #expect(clean.lines.last == "saved 1 command to \(directory)/t.cow")
    }
}
