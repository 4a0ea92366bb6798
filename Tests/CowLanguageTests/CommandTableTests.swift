import Testing
@testable import CowLanguage

/// The command table drives the parser, help, completion and Grammar.md: these tests keep the
/// four in step with it.
@Suite struct CommandTableTests {
    // MARK: - Grammar.md

    @Test("Grammar.md's command reference is exactly what `cowsim grammar --markdown` generates")
    func grammarReferenceIsGenerated() throws {
        let text = try #require(readRepositoryFile("Grammar.md"))
        let begin = try #require(text.firstRange(of: GrammarReference.beginMarker), "Grammar.md lacks the generated section")
        let end = try #require(text.firstRange(of: GrammarReference.endMarker))
        let section = String(text[begin.lowerBound..<end.upperBound]) + "\n"
        #expect(section == GrammarReference.markdown(),
                "Grammar.md's command reference differs from the table: run `cowsim grammar --markdown` and paste it in")
    }

    @Test("Grammar.md's EBNF `command` rule is exactly what `cowsim grammar --ebnf` generates")
    func ebnfIsGenerated() throws {
        let text = try #require(readRepositoryFile("Grammar.md"))
        #expect(text.contains(GrammarReference.ebnfCommandRule() + "\n"),
                "Grammar.md's `command` rule differs from the table: run `cowsim grammar --ebnf` and paste it in")
    }

    // MARK: - The parser accepts what the table declares

    /// Sample text for an argument kind.
    static func sample(_ kind: ArgumentKind) -> String {
        switch kind {
        case .process: return "p"
        case .mappedRange, .newRange: return "0x10000 pages 2"
        case .newAddress, .number: return "0x10000"
        case .numbers: return "1,2,3"
        case .expression: return "1 + 2"
        case .newName: return "n"
        case .file: return "data"
        case .library: return "libc"
        case .permissions: return "rw"
        case .behaviourSwitch: return "zero-page"
        case .string: return "\"text\""
        case .strings: return "\"x\" \"text\""
        case .path: return "x.cow"
        case .topic: return "fork"
        case .command: return "stats"
        case .block: return "\nstats\nend"
        }
    }

    /// Every way to write `pattern` with each optional piece either left out or given, each
    /// alternative taken, clauses all given or none (a bounded set of texts).
    static func instances(_ pattern: [Syntax]) -> [[String]] {
        var results: [[String]] = [[]]
        for element in pattern {
            let options = instances(of: element)
            results = results.flatMap { prefix in options.map { prefix + $0 } }
        }
        return results
    }

    static func instances(of element: Syntax) -> [[String]] {
        switch element {
        case .word(let w, let aliases): return ([w] + aliases).map { [$0] }
        case .choice(let options, _): return options.map { [$0] }
        case .symbol(let s): return [[s]]
        case .argument(let kind, _, _): return [[sample(kind)]]
        case .optional(let inner): return [[]] + instances(inner)
        case .alternatives(let options): return options.flatMap { instances($0) }
        case .clauses(let clauses):
            return [[]] + instances(clauses.flatMap { $0 }) + instances(clauses.reversed().flatMap { $0 })
        }
    }

    /// The command of a one-statement text, or its diagnostics.
    func parses(_ text: String) -> [String] {
        let (statements, diagnostics) = Parser.parse(SourceFile(name: "t.cow", text: text))
        if !diagnostics.isEmpty { return diagnostics.map { $0.description } }
        return statements.count == 1 ? [] : ["\(statements.count) statements"]
    }

    @Test("the parser accepts every form every table entry declares")
    func everyDeclaredFormParses() {
        var checked = 0
        for spec in CommandTable.all {
            for form in spec.forms {
                for words in Self.instances(form) {
                    let text = ([spec.name] + words).joined(separator: " ")
                    #expect(parses(text) == [], "\(spec.usage): `\(text)`")
                    checked += 1
                }
            }
        }
        #expect(checked > CommandTable.all.count * 2)
    }

    @Test("every example in the table parses and starts with its command")
    func examplesParse() {
        for spec in CommandTable.all {
            let (statements, diagnostics) = Parser.parse(SourceFile(name: "t.cow", text: spec.example))
            #expect(diagnostics.isEmpty, "\(spec.name): \(diagnostics)")
            #expect(!statements.isEmpty && spec.example.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains { $0 == spec.name },
                    "\(spec.name)'s example does not use it")
        }
    }

    @Test("a word that is not in the table is not a command, with the nearest table entry suggested")
    func dispatchIsTheTable() {
        let (_, diagnostics) = Parser.parse(SourceFile(name: "t.cow", text: "mapp p anon 0x1000"))
        #expect(diagnostics.first?.message == "unknown command `mapp`")
        #expect(diagnostics.first?.notes == ["did you mean `map`?"])
    }

    // MARK: - Syntax errors say what the command accepts

    func error(_ text: String) -> Diagnostic? {
        Parser.parse(SourceFile(name: "t.cow", text: text)).diagnostics.first
    }

    @Test("`map s anon 0x10000 4`: `pages N` was expected, and the usage lists the forms")
    func missingPages() throws {
        let d = try #require(error("map s anon 0x10000 4"))
        #expect(d.message == "expected `pages N` or `..END` after the address `0x10000`, found `4`")
        #expect(d.column == 20)
        #expect(d.notes == ["a range is ADDR, ADDR pages N or ADDR..END: did you mean `0x10000 pages 4`?",
                            "usage: map P anon RANGE [PERMS] [shared] [as NAME] [populate]",
                            "   or: map P file F RANGE [PERMS] [shared] [offset N] [as NAME] [populate]"])
        #expect(error("read s 0x10000 4")?.message == "expected `pages N` or `..END` after the address `0x10000`, found `4`")
        #expect(error("write s 0x10000 4") == nil)   // a value follows a range in `write`
    }

    @Test("`fork s child` suggests `as child`")
    func forkWithoutAs() throws {
        let d = try #require(error("fork s child"))
        #expect(d.message == "expected `as NAME` or the end of the line after `s`, found `child`")
        #expect(d.notes == ["to name the child, write `fork s as child`", "usage: fork P [as NAME]"])
    }

    @Test("every syntax error inside a command lists the command's forms")
    func usageNotes() throws {
        let d = try #require(error("protect s 0x1000 pages 2 rwz"))
        #expect(d.notes.last == "usage: protect P RANGE PERMS")
        let e = try #require(error("exit s t"))
        #expect(e.notes.suffix(2) == ["usage: exit P", "   or: exit"])
    }

    @Test("`write s heap 1`: `heap` is a region, and the error shows how to address it")
    func regionNameWhereAnAddressGoes() {
        let r = run("spawn s\nmap s anon 0x10000 pages 4 as heap\nwrite s heap 1")
        #expect(r.lines.suffix(4) == ["t.cow:3:9: error: `heap` is a region of s, not an address", "    write s heap 1", "            ^~~~",
                                      "note: heap is 0x10000..0x14000 (4 pages): write its first address, `0x10000`, or the whole region as `0x10000 pages 4`"])
        #expect(firstError("spawn s\nmap s anon 0x10000 pages 4 as heap\nunmap s heap") == "t.cow:3:9: error: `heap` is a region of s, not an address")
        // A variable of that name is still a variable; an unknown word is still an unknown variable.
        #expect(run("spawn s\nmap s anon 0x10000 pages 4 as heap\nlet heap = 0x11000\nwrite s heap 1").ok)
        #expect(firstError("spawn s\nwrite s heap 1") == "t.cow:2:9: error: unknown variable `heap`")
    }

    @Test("`smaps zz` after every process died does not say there are no processes yet")
    func unknownProcessWhenAllAreDead() {
        #expect(firstError("spawn s\nexit s\nsmaps zz")
                == "t.cow:3:7: error: no process named `zz`; no process is alive (the only one has exited or was killed)")
        #expect(firstError("spawn s\nspawn t\nexit s\nexit t\nsmaps zz")
                == "t.cow:5:7: error: no process named `zz`; no process is alive (all 2 have exited or were killed)")
        #expect(firstError("smaps zz") == "t.cow:1:7: error: no process named `zz`; there are no processes yet (create one with `spawn NAME`)")
    }

    @Test("\"did you mean\" does not suggest an unrelated one-letter name")
    func noOneLetterSuggestions() {
        #expect(Suggestions.nearest(to: "c", in: ["a", "b"]) == nil)
        #expect(Suggestions.nearest(to: "x", in: ["a"]) == nil)
        #expect(!run("spawn a\nsmaps c").output.contains("did you mean"))
        #expect(Suggestions.nearest(to: "frok", in: ["fork"]) == "fork")
    }

    @Test("the commands that take a file path come from the table")
    func pathCommands() {
        #expect(CommandTable.pathCommands == ["source", "save"])
    }

    // MARK: - help

    @Test("`help` fits a 24-line, 80-column screen and names every command; `help all` has every usage")
    func helpFitsAScreen() {
        let lines = HelpText.overview()
        #expect(lines.count <= 24)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        let words = Set(lines.flatMap { $0.split(separator: " ").map(String.init) })
        for name in CommandTable.names { #expect(words.contains(name), "help lacks \(name)") }
        let all = HelpText.everyCommand().joined(separator: "\n")
        for spec in CommandTable.all {
            for usage in spec.usages { #expect(all.contains(usage), "help all lacks \(usage)") }
        }
    }

    // MARK: - incomplete input

    @Test("the parser itself tells incomplete input from an error")
    func completeness() {
        func of(_ text: String) -> Parser.Completeness { Parser.completeness(of: SourceFile(name: "<repl>", text: text)) }
        #expect(of("repeat 3") == .incomplete)
        #expect(of("quiet\n  repeat 2\n  stats\n  end") == .incomplete)
        #expect(of("repeat 3\nstats\nend") == .complete)
        #expect(of("repeat (1") == .complete)            // an error no further line fixes
        #expect(of("frobnicate\nrepeat 3") == .complete) // an error besides the open block
        #expect(of("stats") == .complete)
    }
}
