import Testing
import CowEngine
@testable import CowLanguage

/// One owner per rule: each rule lives in one place, so the same bad input gets the same
/// message from every command. These tests would catch a second copy drifting.
@Suite struct OneOwnerTests {
    /// The first error line and the caret line of a failing script.
    private func errorAndCaret(_ script: String) -> (String, String) {
        let lines = run(script).lines
        guard let k = lines.firstIndex(where: { $0.contains(": error: ") }), k + 2 < lines.count else { return ("(no error)", "") }
        return (String(lines[k].split(separator: " error: ", maxSplits: 1).last ?? ""), lines[k + 2])
    }

    @Test("a name with a control character gets the engine's one message, caret under the name, in every command that takes a name")
    func badNames() {
        let setup = "spawn s\nfile f pages 4\n"
        let cases: [(String, String)] = [
            ("spawn \"a\\tb\"", "a process name"),
            ("fork s as \"a\\tb\"", "a process name"),
            ("vfork s as \"a\\tb\"", "a process name"),
            ("file \"a\\tb\" pages 2", "a file name"),
            ("library \"a\\tb\" text 2 data 1", "a file name"),
            ("map s anon 0x10000 pages 1 as \"a\\tb\"", "a region name"),
            ("map s file f 0x20000 pages 1 as \"a\\tb\"", "a region name"),
        ]
        for (command, what) in cases {
            let (message, caret) = errorAndCaret(setup + command + "\n")
            #expect(message == "\(what) cannot contain control characters such as a newline or a tab (found U+0009)", "\(command)")
            // The caret sits under the quoted name (its first character is the opening quote).
            let column = command.firstIndex(of: "\"").map { command.distance(from: command.startIndex, to: $0) } ?? -1
            #expect(caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) } == column + 4, "\(command): \(caret)")
        }
        #expect(Machine.unprintableNameProblem("ok name", "a name") == nil)
    }

    @Test("an address that does not begin a page gets one message in every command that needs a page boundary")
    func unalignedAddresses() {
        let setup = "spawn s\nlibrary libc text 2 data 1\nmap s anon 0x10000 pages 4\n"
        let wanted = "address 0x10001 is not a multiple of the page size (4096 = 0x1000)"
        for command in ["map s anon 0x10001 pages 1", "unmap s 0x10001 pages 1", "protect s 0x10001 pages 1 r",
                        "advise s 0x10001 pages 1 dontfork", "msync s 0x10001 pages 1",
                        "map-library s libc at 0x10001", "mremap s 0x10000 pages 1 to 0x10001"] {
            #expect(errorAndCaret(setup + command + "\n").0 == wanted, "\(command)")
        }
    }

    @Test("`map` and `protect` accept and refuse the same permission words, and say the same about them")
    func permissionWords() {
        let setup = "spawn s\nmap s anon 0x10000 pages 4 rw\n"
        for word in ["r", "w", "x", "rw", "rx", "wx", "rwx", "none", "wr", "rwz", "xr", "rr", "-", "r-x"] {
            let protect = run(setup + "protect s 0x10000 pages 1 \(word)\n")
            let map = run(setup + "map s anon 0x20000 pages 1 \(word)\n")
            #expect(protect.ok == map.ok, "\(word)")
            #expect(protect.ok == (PermissionWords.parse(word) != nil), "\(word)")
            if let permissions = PermissionWords.parse(word) {
                #expect(protect.output.contains("is now \(permissions)"), "\(word)")
                #expect(map.output.contains("(1 page, \(permissions), private anonymous)"), "\(word)")
            }
        }
        #expect(errorAndCaret(setup + "protect s 0x10000 pages 1 rwz\n").0 == "expected \(PermissionWords.expected), found `rwz`")
    }

    @Test("Tab completion skips every prefix command the table declares (a COMMAND argument), with what precedes it")
    func completionPrefixesComeFromTheTable() {
        let session = Session(output: BufferSink())
        _ = session.runLine("spawn shell")
        let prefixes = CommandTable.all.filter { spec in
            spec.forms.contains { $0.contains { if case .argument(.command, _, _) = $0 { return true } else { return false } } }
        }.map(\.name)
        #expect(Set(prefixes) == Set(CommandTable.prefixes.keys))
        #expect(Set(prefixes) == ["quiet", "show", "expect-error"])
        for prefix in prefixes {
            let line = prefix + " fork sh"
            #expect(session.completions(line: line, cursor: line.utf8.count) == ["shell"], "\(prefix)")
        }
        let line = "expect-error \"no\" quiet show fork sh"
        #expect(session.completions(line: line, cursor: line.utf8.count) == ["shell"])
    }
}
