import Testing
@testable import CowLanguage

@Suite struct DiagnosticTests {
    @Test func renderedLikeACompiler() {
        let file = SourceFile(name: "hw.cow", text: "spawn shell\nfork 0x10 as ls\n")
        let d = Diagnostic("expected a process name after `fork`, found `0x10`", at: SourceSpan(start: 17, end: 21, line: 2, lineStart: 12), in: file)
        #expect(d.rendered() == """
            hw.cow:2:6: error: expected a process name after `fork`, found `0x10`
                fork 0x10 as ls
                     ^~~~

            """)
        #expect(d.description == "hw.cow:2:6: error: expected a process name after `fork`, found `0x10`")
    }

    @Test func tabsAndWideCharactersKeepTheCaretAligned() {
        let r = run("\techo \"é\" forc")
        #expect(r.lines == ["t.cow:1:11: error: unexpected `forc` after the `echo` command", "    \techo \"é\" forc",
                            "    \t         ^~~~", "note: put one command on a line, or separate commands with `;`",
                            "note: usage: echo \"TEXT {EXPR}\"", "note:    or: echo EXPR", "note:    or: echo"])
    }

    /// A form chosen by the keyword after the command (`set policy`, `config frames`) is the only
    /// usage shown; a command whose forms all start with an argument shows them all.
    @Test func theUsageOfTheChosenFormOnly() {
        #expect(run("set policy lru2").lines == ["t.cow:1:12: error: expected a replacement policy after `policy`, found `lru2`",
                                                 "    set policy lru2", "               ^~~~", "note: did you mean `lru`?",
                                                 "note: usage: set policy fifo|lru|clock|opt|rand|linux"])
        #expect(run("config frames").lines.suffix(1) == ["note: usage: config frames N"])
        #expect(run("set zero-page maybe").lines.filter { $0.hasPrefix("note:") }.count == 7, "a switch name selects no keyword form: all 7 forms of set")
    }

    /// A misspelt keyword after a complete command is named (`wrte`: `write`); a word like no
    /// keyword of the command gets no guess.
    @Test func aMisspeltTrailingKeywordIsNamed() {
        #expect(Array(run("spawn p\ntranslate p 0x10000 wrte").lines.dropFirst()) == [
            "t.cow:2:21: error: unexpected `wrte` after the `translate` command", "    translate p 0x10000 wrte",
            "                        ^~~~", "note: did you mean `write`?",
            "note: put one command on a line, or separate commands with `;`", "note: usage: translate P ADDR [read|write]"])
        #expect(run("spawn p\ndump p tabels").lines.contains("note: did you mean `tables`?"))
        #expect(!run("echo \"x\" forc").lines.contains { $0.contains("did you mean") })
    }

    @Test func withoutAPlace() {
        #expect(Diagnostic(file: "x.cow", message: "cannot read x.cow: No such file or directory").rendered()
                == "x.cow: error: cannot read x.cow: No such file or directory\n")
    }

    @Test func suggestions() {
        #expect(Suggestions.distance("fork", "frok") == 1)
        #expect(Suggestions.distance("fork", "fork") == 0)
        #expect(Suggestions.distance("", "abc") == 3)
        #expect(Suggestions.distance("kitten", "sitting") == 3)
        #expect(Suggestions.nearest(to: "forc", in: CommandCatalog.names) == "fork")
        #expect(Suggestions.nearest(to: "mapp", in: CommandCatalog.names) == "map")
        #expect(Suggestions.nearest(to: "sapwn", in: CommandCatalog.names) == "spawn")
        #expect(Suggestions.nearest(to: "xyzzy", in: CommandCatalog.names) == nil)
        #expect(Suggestions.nearest(to: "DUMP", in: CommandCatalog.names) == "dump")
    }

    @Test func unknownCommandWithoutNearMatch() {
        #expect(run("xyzzy").lines == ["t.cow:1:1: error: unknown command `xyzzy`", "    xyzzy", "    ^~~~~",
                                       "note: type `help` for the list of commands"])
    }

    @Test func engineErrorsPointAtTheArgumentTheyAreAbout() {
        // The file name.
        #expect(firstError("spawn s\nmap s file nope 0") == "t.cow:2:12: error: no file or library called `nope`; create one with `file` or `library`")
        // The range.
        #expect(firstError("file f pages 2\nspawn s\nmap s file f 0 pages 3 offset 16777215") == "t.cow:3:14: error: a file mapping must end within 16777216 pages of the file's start")
        // The process.
        #expect(firstError("spawn s\nvfork s as c\nfork s") == "t.cow:3:6: error: s (pid 1) is suspended until its vfork child c (pid 2) exits or execs")
        // The child's name.
        #expect(firstError("spawn s\nspawn t\nfork s as t") == "t.cow:3:11: error: a live process is already called `t`")
        // The advice's range.
        #expect(firstError("file f pages 2\nspawn s\nmap s file f 0 pages 2\nadvise s 0 pages 2 wipeonfork")
                == "t.cow:4:10: error: advice wipeonfork does not apply to region f")
    }

    @Test func processErrors() {
        #expect(firstError("exec a") == "t.cow:1:6: error: no process named `a`; there are no processes yet (create one with `spawn NAME`)")
        #expect(firstError("spawn a\nexec 5") == "t.cow:2:6: error: no process with pid 5")
        #expect(firstError("spawn a\nexit a\nexit a") == "t.cow:3:6: error: a (pid 1) has exited; a dead process cannot do anything")
        #expect(firstError("spawn a\nexec (1/2)") == "t.cow:2:6: error: no process with pid 1/2")
        #expect(firstError("spawn a\nfork a as (1)") == "t.cow:2:11: error: expected a name for the child after `as`, found `(`")
    }

    @Test func parseErrorsSayWhatWasExpected() {
        #expect(firstError("map s") == "t.cow:1:6: error: expected `anon` or `file` after `s`, found the end of the line")
        #expect(firstError("map s anon") == "t.cow:1:11: error: expected an address after `anon`, found the end of the line")
        #expect(firstError("map s anon 0 pages") == "t.cow:1:19: error: expected a number of pages after `pages`, found the end of the line")
        #expect(firstError("map s anon 0 rw shard") == "t.cow:1:17: error: expected `shared`, `as NAME`, `populate` or the end of the line, found `shard`")
        #expect(firstError("map s anon 0 rw as 5") == "t.cow:1:20: error: expected a region name after `as`, found `5`")
        #expect(firstError("library l text 3") == "t.cow:1:17: error: expected `data` after `3`, found the end of the line")
        #expect(firstError("config pages 3") == "t.cow:1:8: error: expected `frames`, `page-size`, `readahead`, `swap`, `tlb` or `page-tables` after `config`, found `pages`")
        #expect(firstError("set fork fast") == "t.cow:1:10: error: expected a fork mode after `fork`, found `fast`")
        #expect(firstError("set zero-page yes") == "t.cow:1:15: error: expected `on` or `off` after `zero-page`, found `yes`")
        #expect(firstError("let = 3") == "t.cow:1:5: error: expected a variable name after `let`, found `=`")
        #expect(firstError("let and = 3") == "t.cow:1:5: error: expected a variable name after `let`, found `and`")
        #expect(firstError("let x 3") == "t.cow:1:7: error: expected `=` after `x`, found `3`")
        #expect(firstError("expect (1 + 2") == "t.cow:1:14: error: expected `)` to close the `(` at column 8, found the end of the line")
        #expect(firstError("expect rss(a b)") == "t.cow:1:14: error: expected `,` or `)` in the call of `rss`, found `b`")
        #expect(firstError("expect x = 1") == "t.cow:1:10: error: `=` assigns (in `let`); compare with `==`")
        #expect(firstError("ask 3") == "t.cow:1:5: error: expected the question in quotes after `ask`, found `3`")
        #expect(firstError("ask \"q\" 1 bonus 3") == "t.cow:1:11: error: expected `choices \"A\" \"B\"`, `points N`, `hint \"...\"` or the end of the line, found `bonus`")
        #expect(firstError("advise s 0 sometimes") == "t.cow:1:12: error: expected advice after `0`, found `sometimes`")
        #expect(firstError("source") == "t.cow:1:7: error: expected a file name after `source`, found the end of the line")
        #expect(firstError("echo \"{}\"") == "t.cow:1:7: error: empty `{}` in a string (write `\\{` for a brace)")
        #expect(firstError("echo \"{1 2}\"") == "t.cow:1:10: error: unexpected `2` inside `{...}`")
        #expect(firstError("42") == "t.cow:1:1: error: expected a command, found `42`")
        #expect(firstError("repeat") == "t.cow:1:7: error: expected a number of repetitions after `repeat`, found the end of the line")
        #expect(firstError("quiet end") == "t.cow:1:7: error: expected a command after `quiet`, found `end`")
    }

    @Test func runtimeValueErrors() {
        #expect(firstError("repeat -1\nend") == "t.cow:1:8: error: the number of repetitions cannot be negative, found -1")
        #expect(firstError("spawn s\nwrite s 0 none") == "t.cow:2:11: error: the value to write must be a number, found none")
        #expect(firstError("spawn s\nread s (1/2)") == "t.cow:2:8: error: an address must be a whole number, found 1/2")
        #expect(firstError("spawn s\nread s 0x1000000000000") == "t.cow:2:8: error: address 0x1000000000000 is beyond the 48-bit address space (it ends at 0x1000000000000)")
        #expect(firstError("spawn s\nread s 0x2000..0x2000") == "t.cow:2:8: error: the range is empty: 0x2000..0x2000 holds no byte")
        #expect(firstError("spawn s\nread s 0 pages -2") == "t.cow:2:16: error: the number of pages must be positive, found -2")
        #expect(firstError("ask \"q\" 1 points -1") == "t.cow:1:18: error: the points must be between 0 and 1000000, found -1")
        #expect(firstError("let n = \"a\"\nspawn s\nread s 0 pages n") == "t.cow:3:16: error: the number of pages must be a number, found text")
    }
}
