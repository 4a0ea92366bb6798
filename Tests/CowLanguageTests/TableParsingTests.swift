import Testing
import CowEngine
@testable import CowLanguage

/// Argument parsing derived from the command table: the generic matcher reads what an entry's
/// forms declare and its `build` closure makes the command; the parser has no per-command code.
@Suite struct TableParsingTests {
    /// Parses `text` (a command word the spec does not have to be in the table) with `spec`.
    private func parse(_ text: String, with spec: CommandSpec) -> Result<Command, Diagnostic> {
        var parser = Parser(file: SourceFile(name: "t.cow", text: text + "\n"))
        let keyword = parser.current
        parser.advance()
        do {
            return .success(try parser.parseCommand(spec, keyword: keyword))
        } catch {
            return .failure(error)
        }
    }

    /// A command that is not in the table: an entry, a `build` closure, no parser code.
    private let newCommand = CommandSpec(
        "swapit", .memory,
        [[.argument(.process, "P"), .argument(.mappedRange, "RANGE"), .choice(["dontfork", "wipeonfork"], what: "a mode"),
          .optional([.word("as"), .argument(.newName, "NAME", what: "a swap name")]), .optional([.word("now")])]],
        summary: "test", example: "swapit p 0x10000 dontfork",
        parse: .pattern { (a: inout Arguments) throws(Diagnostic) in
            let process = try a.process(), range = try a.range()
            let advice = MemoryAdvice(rawValue: try a.word()) ?? .normal
            let name = try a.optionalName()
            let now = try a.flag()
            return now ? .exec(process) : name == nil ? .advise(process, range, advice) : .unmap(process, range)
        })

    @Test("a new table entry is parsed by the generic matcher alone, values in the order declared")
    func newEntryNeedsNoParserCode() throws {
        guard case .success(.advise(let p, let range, .wipeonfork)) = parse("swapit p 0x10000 pages 2 wipeonfork", with: newCommand) else {
            Issue.record("not parsed as declared")
            return
        }
        guard case .name("p") = p.kind else { Issue.record("the process is not `p`"); return }
        guard case .pages = range.extent else { Issue.record("the range lost its `pages`"); return }
        guard case .success(.unmap) = parse("swapit p 0x10000 dontfork as s", with: newCommand) else { Issue.record("[as NAME] not read"); return }
        guard case .success(.exec) = parse("swapit p 0x10000 dontfork now", with: newCommand) else { Issue.record("[now] not read"); return }
    }

    @Test("the generic matcher's errors use the entry's words (`what:`) and the standard phrasing")
    func newEntryErrors() {
        let cases: [(String, String)] = [
            ("swapit", "expected a process name after `swapit`, found the end of the line"),
            ("swapit p", "expected an address after `p`, found the end of the line"),
            ("swapit p 0x10000 4", "expected `pages N` or `..END` after the address `0x10000`, found `4`"),
            ("swapit p 0x10000 pages 2", "expected a mode after `2`, found the end of the line"),
            ("swapit p 0x10000 wipe", "expected a mode after `0x10000`, found `wipe`"),
            ("swapit p 0x10000 dontfork as 3", "expected a swap name after `as`, found `3`"),
        ]
        for (text, message) in cases {
            guard case .failure(let d) = parse(text, with: newCommand) else { Issue.record("\(text) parsed"); continue }
            #expect(d.message == message, "\(text)")
        }
    }

    @Test("a build closure that takes a value its forms do not give is an error, not a crash")
    func tableMistakeIsAnError() {
        let wrong = CommandSpec("wrong", .memory, [[.argument(.process, "P")]], summary: "", example: "",
                                parse: .pattern { (a: inout Arguments) throws(Diagnostic) in .unmap(try a.process(), try a.range()) })
        guard case .failure(let d) = parse("wrong p", with: wrong) else { Issue.record("parsed"); return }
        #expect(d.message.contains("a bug in the command table"))
    }

    /// Errors of commands now read by the generic matcher, byte for byte as the hand-written
    /// parser printed them (first line; the usage notes are checked elsewhere).
    @Test("existing commands keep their exact syntax errors", arguments: [
        ("config", "t.cow:1:7: error: expected `frames`, `page-size`, `readahead`, `swap`, `tlb` or `page-tables` after `config`, found the end of the line"),
        ("config frame 3", "t.cow:1:8: error: expected `frames`, `page-size`, `readahead`, `swap`, `tlb` or `page-tables` after `config`, found `frame`"),
        ("config frames", "t.cow:1:14: error: expected a number after `frames`, found the end of the line"),
        ("library libc text 4 dat 2", "t.cow:1:21: error: expected `data` after `4`, found `dat`"),
        ("library 3 text 4 data 2", "t.cow:1:9: error: expected a library name after `library`, found `3`"),
        ("file f pages", "t.cow:1:13: error: expected a number after `pages`, found the end of the line"),
        ("save", "t.cow:1:5: error: expected a file name after `save`, found the end of the line"),
        ("source", "t.cow:1:7: error: expected a file name after `source`, found the end of the line"),
        ("profile linus", "t.cow:1:9: error: expected a profile after `profile`, found `linus`"),
        ("write p 0x10000", "t.cow:1:16: error: expected the value to write after `0x10000`, found the end of the line"),
        ("map-library p libc at", "t.cow:1:22: error: expected an address after `at`, found the end of the line"),
        ("unmap p 0x10000 4", "t.cow:1:17: error: expected `pages N` or `..END` after the address `0x10000`, found `4`"),
        ("spawn 0x10", "t.cow:1:7: error: expected a process name after `spawn`, found `0x10`"),
        ("exec", "t.cow:1:5: error: expected a process name after `exec`, found the end of the line"),
        ("protect p 0x10000 rwz", "t.cow:1:19: error: expected permissions (r, rw, rx, rwx or none), found `rwz`"),
        ("smaps p tall", "t.cow:1:9: error: unexpected `tall` after the `smaps` command"),
        ("mremap p 0x10000 pages 2 into 0x20000", "t.cow:1:26: error: expected `to` or `size` after `2`, found `into`"),
        ("advise p 0x10000 dontfok", "t.cow:1:18: error: expected advice after `0x10000`, found `dontfok`"),
        ("expect", "t.cow:1:7: error: expected a condition after `expect`, found the end of the line"),
        ("read p", "t.cow:1:7: error: expected an address after `p`, found the end of the line"),
    ])
    func existingErrorsUnchanged(script: String, error: String) {
        #expect(firstError(script + "\n") == error)
    }
}
