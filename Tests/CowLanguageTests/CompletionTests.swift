import Testing
@testable import CowLanguage

@Suite struct CompletionTests {
    /// A session with two processes, a library, a file and a variable.
    func session() -> Session {
        let s = Session(output: BufferSink())
        _ = s.run(source: """
            library libc text 2 data 1 cached
            file data pages 4
            spawn shell
            map-library shell libc at 0x400000
            map shell anon 0x10000 pages 2 as heap
            fork shell as ls
            spawn gone
            exit gone
            let base = 0x10000
            """, fileName: "setup")
        return s
    }

    func complete(_ line: String) -> [String] { session().completions(line: line, cursor: line.utf8.count) }

    @Test func commandNamesAtTheStart() {
        #expect(complete("fo") == ["fork"])
        #expect(complete("ma") == ["map", "map-library"])
        #expect(complete("e") == ["echo", "end", "exec", "exit", "expect", "expect-error"])
        #expect(complete("stats; sm") == ["smaps"])
        #expect(complete("quiet dr") == ["draw", "drop-caches"])
        #expect(complete("").contains("spawn"))
    }

    @Test func processNamesWhereAProcessGoes() {
        #expect(complete("fork ") == ["ls", "shell"])
        #expect(complete("write s") == ["shell"])
        #expect(complete("dump ") == ["frame", "frames", "ls", "shell", "swap"])
        #expect(complete("smaps l") == ["ls"])
        #expect(complete("smaps ls ") == ["narrow", "wide"])
        #expect(complete("exit g") == [])          // dead processes are not offered
    }

    @Test func filesLibrariesAndKeywords() {
        #expect(complete("map-library ls ") == ["libc"])
        #expect(complete("map-library ls libc ") == ["at", "base", "frames_anonymous", "frames_free", "frames_page_cache",
                                                     "frames_total", "frames_used", "page_size", "page_tables", "saved_by_sharing", "swap_total", "swap_used",
                                                     "zero_page"])
        #expect(complete("map ls ") == ["anon", "file"])
        #expect(complete("map ls file ") == ["data", "libc"])
        #expect(complete("map ls anon 0x1000 ") == ["as", "none", "pages", "populate", "r", "rw", "rwx", "rx", "shared"])
        #expect(complete("map ls file data 0x1000 pages 2 r") == ["r", "rw", "rwx", "rx"])
        #expect(complete("map ls file data 0x1000 pages 2 rw o") == ["offset"])
        #expect(complete("fork shell ") == ["as"])
        #expect(complete("protect ls 0x1000 pages 2 ") == ["none", "r", "rw", "rwx", "rx"])
        #expect(complete("advise ls 0x1000 ") == ["dontfork", "dontneed", "free", "hugepage", "nohugepage", "normal", "pages",
                                                  "random", "sequential", "willneed", "wipeonfork"])
        #expect(complete("advise ls 0x1000 d") == ["dontfork", "dontneed"])
        #expect(complete("dump ls ") == ["all", "tables", "tlb"])
    }

    @Test("after `write P ` Tab offers that process's region addresses (and variables), not function names")
    func regionAddressesInRanges() {
        #expect(complete("write ls ") == ["0x10000", "0x400000", "0x402000", "base"])
        #expect(complete("read shell 0x4") == ["0x400000", "0x402000"])
        #expect(complete("unmap ls ") == ["0x10000", "0x400000", "0x402000", "base"])
        #expect(complete("write ls 0x10000 pages ").contains("page_size"))   // a count: numbers
        #expect(complete("write ls 0x10000 ").contains("pages"))
        #expect(complete("write ls (base) p") == ["page_size", "page_tables", "pages"], "a closed group is an operand: `pages` or the value")
    }

    /// `trace`'s reference string is one argument of comma-separated operands: after any of
    /// them the words `show` and `quiet` may come; after a comma, another number.
    @Test func traceReferenceStrings() {
        #expect(complete("trace ls 0x10000 write ").contains("from") && complete("trace ls 0x10000 write ").contains("base"))
        #expect(complete("trace ls 0x10000 write 1 ") == ["quiet", "show"])
        #expect(complete("trace ls 0x10000 write 1,2,3 ") == ["quiet", "show"])
        #expect(complete("trace ls 0x10000 write 1,(base + 1),3 s") == ["show"])
        #expect(complete("trace ls 0x10000 write 1,2, ").contains("base"))
        #expect(!complete("trace ls 0x10000 write 1,2, ").contains("show"))
        #expect(complete("trace ls 0x10000 write from refs.txt ") == [])
    }

    @Test func settingsProfilesAndHelp() {
        #expect(complete("profile ") == ["linux", "textbook"])
        #expect(complete("set ") == ["backend", "cow-reuse", "draw", "fault-around", "fork", "fork-skip", "policy", "prompt", "steps", "zero-page"])
        #expect(complete("set fork ") == ["cow", "eager", "odf"])
        #expect(complete("set zero-page o") == ["off", "on"])
        #expect(complete("config ") == ["frames", "page-size", "page-tables", "readahead", "swap", "tlb"])
        #expect(complete("library libc ") == ["text"])
        #expect(complete("library libc text 3 ") == ["data"])
        #expect(complete("file f pages 3 ") == ["cached", "tmpfs"])
        #expect(complete("help ma") == ["map", "map-library"])
        #expect(complete("help fu") == ["functions"])
    }

    @Test func expressions() {
        #expect(complete("expect rs") == ["rss("])
        #expect(complete("expect rss(") == ["base", "ls", "shell"])
        #expect(complete("expect rss(ls, ") == ["heap", "libc.data", "libc.text"])
        #expect(complete("expect rss(ls, li") == ["libc.data", "libc.text"])
        #expect(complete("let x = ba") == ["base"])
        #expect(complete("expect pss(ls) > 1 a") == ["abs(", "alive(", "and", "anon_huge_pages(", "anonymous("])
        #expect(complete("echo \"rss is {pss(s") == ["shell"])
        #expect(complete("echo \"rss is {fr") == ["frame(", "frames_anonymous", "frames_free", "frames_page_cache", "frames_total", "frames_used"])
        #expect(complete("echo \"plain te") == [])
        #expect(complete("write ls (base + pa") == ["page_size", "page_tables"])
    }

    @Test func cursorInTheMiddleAndOutOfRange() {
        let s = session()
        #expect(s.completions(line: "fo shell", cursor: 2) == ["fork"])
        #expect(s.completions(line: "fork", cursor: 99) == ["fork"])
        #expect(s.completions(line: "fork", cursor: -3).contains("fork"))
        #expect(s.completions(line: "é\u{0}\"{(", cursor: 7).isEmpty == false)
    }
}
