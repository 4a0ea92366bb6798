import Testing
import CowEngine
@testable import CowLanguage

/// `config tlb N`, `dump P tlb`, the TLB functions, the `stats` row and the TLB events. The
/// figures are the hand-worked sequence of TLBTests (N = 2) written as a script.
@Suite struct TLBCommandTests {
    static let sequence = """
        config tlb 2
        spawn p
        map p anon 0x10000 pages 4 rw as heap
        write p 0x10000 1
        write p 0x11000 2
        read p 0x10000
        write p 0x12000 3
        read p 0x11000
        read p 0x12000
        """

    @Test func configAndFunctions() {
        let r = run(Self.sequence)
        #expect(r.ok)
        #expect(r.lines[0] == "config: TLB of 2 entries (fully associative, LRU, tagged with address-space ids)")
        #expect(value("tlb_hits(p)", after: Self.sequence) == "2")
        #expect(value("tlb_misses(p)", after: Self.sequence) == "4")
        #expect(value("tlb_invalidations(p)", after: Self.sequence) == "0")
        #expect(value("tlb_hits(p)", after: "spawn p") == "0")
        #expect(run("config tlb 0").lines == ["config: no TLB"])
    }

    @Test func dumpListsEntriesMostRecentFirst() {
        let r = run(Self.sequence + "\ndump p tlb")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(4)) == [
            "TLB of p (pid 1): 2 entries (the TLB holds 2 of 2); 2 hits, 4 misses, 0 invalidations",
            "page     vpn  frame  perms  lru",
            "0x12000   18      2  rw       1",
            "0x11000   17      1  rw       2",
        ])
        #expect(run("spawn p\ndump p tlb").lines.last == "no TLB (config tlb N adds one)")
    }

    @Test func forkEventAndStatsRow() {
        let r = run(Self.sequence + "\nfork p as c\nstats")
        #expect(r.ok)
        #expect(r.lines.contains("tlb    p: 2 TLB entries invalidated (fork write-protected the pages they cached)"))
        #expect(r.lines.last == "tlb            2 entries (0 in use): 2 hits, 4 misses, 2 invalidations")
        // Without a TLB: no event, no row (existing scripts print what they printed).
        let plain = run("spawn p\nmap p anon 0x10000 pages 1 rw\nwrite p 0x10000 1\nfork p as c\nstats")
        #expect(!plain.output.contains("tlb"))
        #expect(!plain.output.contains("TLB"))
    }

    @Test func shootdownEvent() {
        let r = run("""
            config tlb 8
            file f pages 2 cached
            spawn a
            map a file f 0x10000 pages 2 rw shared
            read a 0x10000 pages 2
            fork a as b
            read b 0x10000 pages 2
            truncate f pages 0
            """)
        #expect(r.ok)
        #expect(r.lines.contains("tlb    4 TLB entries invalidated in the processes mapping the pages (truncate removed the pages: a shootdown)"))
        #expect(value("tlb_invalidations(a) + tlb_invalidations(b)", after: "config tlb 8\nfile f pages 2 cached\nspawn a\nmap a file f 0x10000 pages 2 rw shared\nread a 0x10000 pages 2\nfork a as b\nread b 0x10000 pages 2\ntruncate f pages 0") == "4")
    }

    @Test func badSizesAreRefusedWithACaret() {
        #expect(firstError("config tlb 65537") == "t.cow:1:12: error: the number of TLB entries must be between 0 and 65536, found 65537")
        #expect(firstError("config tlb -1").hasPrefix("t.cow:1:12: error: "))
        #expect(firstError("spawn p\ndump p tlb all").hasPrefix("t.cow:2:"))
    }
}
