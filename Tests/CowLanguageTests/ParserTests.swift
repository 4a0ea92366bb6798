import Testing
import CowEngine
@testable import CowLanguage

/// Parses `text`; returns statements and the first lines of the diagnostics.
func parse(_ text: String) -> ([Statement], [String]) {
    let (statements, diagnostics) = Parser.parse(SourceFile(name: "p.cow", text: text))
    return (statements, diagnostics.map(\.description))
}

/// The single command of `text` (nil if it is not exactly one command).
func command(_ text: String) -> Command? {
    let (statements, diagnostics) = parse(text)
    guard diagnostics.isEmpty, statements.count == 1, case .command(let c, _) = statements[0].kind else { return nil }
    return c
}

func rangeText(_ r: RangeArgument, _ text: String) -> String {
    let file = SourceFile(name: "p", text: text)
    return file.text(from: r.span.start, to: r.span.end)
}

@Suite struct ParserTests {
    @Test func everyCommandOfTheIssueParses() {
        let lines = [
            "config frames 64", "config page-size 4096", "profile linux", "set fork eager", "set zero-page off",
            "library libc text 32 data 8 cached", "file data pages 16 cached", "spawn shell",
            "map shell anon 0x10000 pages 16 rw as heap", "map shell anon 0x40000 pages 8 rw shared as buf",
            "map shell file data 0x80000 pages 4 r", "map-library shell libc at 0x400000", "unmap shell 0x40000 pages 8",
            "protect shell 0x10000 pages 2 r", "advise shell 0x10000 pages 4 dontfork", "fork shell as ls",
            "vfork shell as sh2", "exec ls", "read ls 0x10000", "read ls 0x10000 pages 16", "write ls 0x10000..0x14000 7",
            "exit ls", "dump ls", "dump frames", "smaps ls", "stats", "check", "echo \"text\"", "let n = 3",
            "expect rss(ls) == 16 and copies(ls) >= 1", "source other.cow", "reset", "help", "help fork",
            "drop-caches", "save out.cow", "quit", "exit", "ask \"q?\" uss(ls) points 2 hint \"h\"",
        ]
        for line in lines {
            let (statements, diagnostics) = parse(line)
            #expect(diagnostics.isEmpty, "\(line): \(diagnostics)")
            #expect(statements.count == 1, "\(line)")
        }
    }

    @Test func mapClausesInAnyOrder() throws {
        guard case .map(let m)? = command("map p file f 0x1000 pages 2 rw as tail shared offset 3") else {
            Issue.record("not a map")
            return
        }
        #expect(m.shared)
        #expect(m.permissions?.0 == [.read, .write])
        guard case .word("tail")? = m.name?.kind else { Issue.record("name"); return }
        guard case .file(let f, let offset) = m.source, case .word("f") = f.kind, case .number(let o)? = offset?.kind else {
            Issue.record("source")
            return
        }
        #expect(o == Rational(3))
        #expect(rangeText(m.range, "map p file f 0x1000 pages 2 rw as tail shared offset 3") == "0x1000 pages 2")
    }

    @Test func permissionsWords() {
        #expect(Parser.permissions("r") == [.read])
        #expect(Parser.permissions("rwx") == [.read, .write, .execute])
        #expect(Parser.permissions("rx") == [.read, .execute])
        #expect(Parser.permissions("none") == [])
        #expect(Parser.permissions("wr") == nil)
        #expect(Parser.permissions("") == nil)
        #expect(Parser.permissions("rwz") == nil)
    }

    @Test func rangesThreeWays() {
        guard case .read(_, let a)? = command("read p 0x10"), case .single = a.extent else { Issue.record("single"); return }
        guard case .read(_, let b)? = command("read p 0x10 pages n"), case .pages(let n) = b.extent, case .word("n") = n.kind else {
            Issue.record("pages")
            return
        }
        guard case .read(_, let c)? = command("read p a..(a + 8)"), case .end(let e) = c.extent, case .binary(.add, _, _) = e.kind else {
            Issue.record("end")
            return
        }
    }

    @Test func processesByNamePidExpressionOrString() {
        guard case .exec(let a)? = command("exec ls"), case .name("ls") = a.kind else { Issue.record("name"); return }
        guard case .exec(let b)? = command("exec 2"), case .pid = b.kind else { Issue.record("pid"); return }
        guard case .exec(let c)? = command("exec (n + 1)"), case .pid = c.kind else { Issue.record("expr"); return }
        guard case .exec(let d)? = command("exec \"app{i}\""), case .string = d.kind else { Issue.record("string"); return }
        #expect(parse("exec 0x10").1 == ["p.cow:1:6: error: expected a process name after `exec`, found `0x10`"])
    }

    @Test func exitAloneIsQuit() {
        guard case .quit? = command("exit") else { Issue.record("exit"); return }
        guard case .exit? = command("exit ls") else { Issue.record("exit ls"); return }
    }

    @Test func precedence() {
        guard case .expect(let e)? = command("expect not a == 1 + 2 * 3 or b < -c and d") else { Issue.record("expect"); return }
        // or( not(a == 1 + (2 * 3)), and(b < -c, d) )
        guard case .binary(.or, let left, let right) = e.kind,
              case .unary(.not, let cmp) = left.kind,
              case .binary(.equal, _, let sum) = cmp.kind,
              case .binary(.add, _, let product) = sum.kind,
              case .binary(.multiply, _, _) = product.kind,
              case .binary(.and, let less, _) = right.kind,
              case .binary(.less, _, let negated) = less.kind,
              case .unary(.negate, _) = negated.kind else {
            Issue.record("wrong tree for \(e)")
            return
        }
    }

    @Test func blocksAndPrefixes() {
        let (s, d) = parse("repeat 3 as i\n  quiet write p (i * 4096) 1\n  show\n    stats\n  end\nend\nquiet stats; stats")
        #expect(d.isEmpty)
        #expect(s.count == 3)
        guard case .repeatBlock(_, let v, let body) = s[0].kind else { Issue.record("repeat"); return }
        #expect(v?.text == "i")
        #expect(body.count == 2)
        guard case .quiet(let q) = body[0].kind, q.count == 1 else { Issue.record("quiet prefix"); return }
        guard case .show(let sh) = body[1].kind, sh.count == 1 else { Issue.record("show block"); return }
        let file = SourceFile(name: "p", text: "repeat 3 as i\n  quiet write p (i * 4096) 1\n  show\n    stats\n  end\nend\nquiet stats; stats")
        #expect(file.text(from: s[0].span.start, to: s[0].span.end).hasSuffix("  end\nend"))
    }

    @Test func oneLineBlock() {
        let (s, d) = parse("repeat 2; echo \"x\"; end")
        #expect(d.isEmpty)
        guard case .repeatBlock(_, _, let body) = s.first?.kind else { Issue.record("repeat"); return }
        #expect(body.count == 1)
    }

    @Test func expectedOutputAttachesToThePrecedingCommand() {
        let (s, d) = parse("stats\n#> a\n#>\n#> c\necho \"x\"; echo \"y\"\n#> y\ncheck")
        #expect(d.isEmpty)
        #expect(s.count == 4)
        #expect(s[0].expectedOutput == ["a", "", "c"])
        #expect(s[0].expectedOutputLine == 2)
        #expect(s[1].expectedOutput == [])
        #expect(s[2].expectedOutput == ["y"])
        #expect(s[3].expectedOutput == [])
        guard case .command(.check, _) = s[3].kind else { Issue.record("check"); return }
    }

    @Test func errorsAreReportedInOrderAndParsingGoesOn() {
        let (s, d) = parse("stats\nforc x\nspawn a b\nrepeat 2\n  bogus\nend\ncheck")
        #expect(d == ["p.cow:2:1: error: unknown command `forc`",
                      "p.cow:3:9: error: unexpected `b` after the `spawn` command",
                      "p.cow:5:3: error: unknown command `bogus`"])
        #expect(s.count == 2)   // stats and check: a block with a bad line is dropped whole
    }

    @Test func expectErrorPrefix() {
        let (s, d) = parse("expect-error \"out of memory\" fork big as copy")
        #expect(d.isEmpty)
        guard case .expectError(let message, let inner) = s.first?.kind, message != nil, case .command(.fork, _) = inner.kind else {
            Issue.record("expect-error")
            return
        }
    }

    @Test func rawPaths() {
        guard case .source(let path, _)? = command("source ../lib/setup-1.cow # comment") else { Issue.record("source"); return }
        #expect(path == "../lib/setup-1.cow")
        guard case .save(let quoted, _, _)? = command("save \"my file.cow\"") else { Issue.record("save"); return }
        #expect(quoted == "my file.cow")
    }

    @Test func hostileNestingIsRefused() {
        let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(parse("let x = " + deep).1 == ["p.cow:1:73: error: expression nested too deeply (more than 64 levels)"])
        let long = "let x = " + Array(repeating: "1", count: 2000).joined(separator: " + ")
        #expect(parse(long).1.first?.contains("expression too long (more than 512 parts)") == true)
        let nots = "expect " + String(repeating: "not ", count: 5000) + "true"
        #expect(parse(nots).1.first?.contains("nested too deeply") == true)
        let negations = "let x = " + String(repeating: "-", count: 5000) + "1"
        #expect(parse(negations).1.first?.contains("nested too deeply") == true)
    }
}
