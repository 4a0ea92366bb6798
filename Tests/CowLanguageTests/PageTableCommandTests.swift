import Testing
import CowEngine
@testable import CowLanguage

/// `config page-tables`, `pte_kb`, `page_tables`, and what `stats` and fork events show of page
/// tables (issue 13). Figures worked by hand: x86_64 tables cover 512 pages (PTE), 2^18 (PMD),
/// 2^27 (PUD); a process has one top table (PGD) besides.
@Suite struct PageTableCommandTests {
    static let forkScript = """
        spawn p
        map p anon 0x10000 pages 4 rw as heap
        write p 0x10000 pages 4 7
        fork p as c
        stats
        """

    @Test func scriptsThatChooseNoLayoutPrintWhatTheyDid() {
        let r = run(Self.forkScript)
        #expect(r.ok)
        #expect(r.lines.contains("fork   p (pid 1) -> c (pid 2): 4 page-table entries copied, no frame copied"))
        #expect(!r.lines.contains { $0.hasPrefix("page tables") })
    }

    /// p: PGD + PUD + PMD + one PTE page (pages 0x10-0x13 lie in the first 2 MiB); c gets the
    /// three below the top: 8 pages, 32 kB; VmPTE 12 + 12 kB.
    @Test func aChosenLayoutShowsTheTables() {
        let r = run("config page-tables x86_64\n" + Self.forkScript)
        #expect(r.ok)
        #expect(r.lines[0] == "config: page tables x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses)")
        #expect(r.lines.contains("fork   p (pid 1) -> c (pid 2): 3 page-table pages copied, 4 entries, no frame copied"))
        #expect(r.lines.last == "page tables    32 kB in 8 pages (2 top, 6 below: VmPTE 24 kB), x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses)")
    }

    /// Two-level: 0x3ff000 is page 1023 (directory entry 0), 0x400000 page 1024 (entry 1): two
    /// page tables, 8 kB; with the directory 12 kB in all.
    @Test func functions() {
        let twoLevel = "config page-tables two-level\nspawn p\nmap p anon 0x3ff000 pages 2\nwrite p 0x3ff000 pages 2 1"
        #expect(value("pte_kb(p)", after: twoLevel) == "8")
        #expect(value("page_tables", after: twoLevel) == "12")
        #expect(value("page_size", after: twoLevel) == "4096")
        // Without a chosen layout the figures are x86_64's: PUD + PMD + PTE = 12 kB, + PGD = 16.
        let plain = "spawn p\nmap p anon 0x10000 pages 1\nwrite p 0x10000 1"
        #expect(value("pte_kb(p)", after: plain) == "12")
        #expect(value("page_tables", after: plain) == "16")
        #expect(value("pte_kb(p)", after: plain + "\nexit p") == "0")
        #expect(value("page_tables", after: plain + "\nexit p") == "0")
        // 8192-byte pages, 3 levels of 9 bits: PUD... two tables below the top of 8 kB = 16 kB.
        let custom = "config page-tables custom levels 3 bits 9 page-size 8192\nspawn p\nmap p anon 0x40000000 pages 2\nwrite p 0x40000000 pages 2 1"
        #expect(value("pte_kb(p)", after: custom) == "16")
        #expect(value("page_size", after: custom) == "8192")
    }

    @Test func errors() {
        #expect(firstError("config page-tables custom") == "t.cow:1:1: error: `custom` needs its levels: `config page-tables custom levels N bits BITS`")
        #expect(firstError("config page-tables x86_64 levels 3 bits 9") == "t.cow:1:34: error: the `x86_64` layout is fixed; only `custom` takes levels, bits and a page size")
        #expect(firstError("spawn p\nconfig page-tables x86_64") == "t.cow:2:1: error: `config` can only change an empty machine (before any file, library or process)")
        #expect(firstError("config page-tables two-level\nconfig page-size 8192") == "t.cow:2:18: error: the page-table layout fixes the page size at 4096 bytes")
        #expect(firstError("config page-tables custom levels 5 bits 11") == "t.cow:1:34: error: a level of 11 bits does not fit: a table is one page of 4096 bytes, entries of at least 4 bytes (at most 10 bits)")
        #expect(firstError("config page-tables custom levels 6 bits 9") == "t.cow:1:34: error: the layout gives 66-bit addresses; the machine's are at most 48-bit")
        #expect(firstError("config page-tables foo") == "t.cow:1:20: error: expected a page-table layout after `page-tables`, found `foo`")
        #expect(firstError("config page-tables two-level\nspawn p\nmap p anon 0x100000000 pages 1")
                == "t.cow:3:12: error: address 0x100000000 is beyond the 32-bit address space (it ends at 0x100000000)")
        #expect(firstError("echo pte_kb()") .contains("`pte_kb` takes 1 argument"))
    }

    /// `reset` keeps the layout, as it keeps the other configuration.
    @Test func resetKeepsTheLayout() {
        let r = run("config page-tables two-level\nreset\nspawn p\nmap p anon 0x0 pages 1\nwrite p 0x0 1\necho \"{pte_kb(p)} {page_tables()}\"")
        #expect(r.ok)
        #expect(r.lines.last == "4 8")
    }
}

/// `translate` and `dump P tables` (issue 13), with walks worked by hand.
@Suite struct TranslateCommandTests {
    /// Two-level: 0x00403004 is page 0x403 = 1027: directory index 1027 >> 10 = 1, table index
    /// 1027 & 1023 = 3, offset 4. The page lands in frame 0: physical address 0x4.
    @Test func twoLevelWalkByHand() {
        let r = run("config page-tables two-level\nspawn p\nmap p anon 0x400000 pages 4\nwrite p 0x403000 7\ntranslate p 0x00403004")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(4)) == [
            "translate p 0x403004 read: page 0x403, offset 0x4; indexes 1, 3",
            "  PD  table T1  entry 1  -> table T2",
            "  PT  table T2  entry 3  -> frame 0, flags PWU-DA",
            "  read: frame 0, physical address 0x4",
        ])
    }

    /// x86_64: 0x7f1234567abc is page 0x7f1234567; its 36 bits split 9/9/9/9 from the top:
    /// 0x7f1234567 = 0b011111110 001001000 110100010 101100111 -> 254, 72, 418, 359; offset 0xabc.
    /// Frame 2 (the third page written): physical address 2 x 4096 + 0xabc = 0x2abc.
    @Test func x86WalkByHandAndNothingChanges() {
        let setup = """
            config page-tables x86_64
            spawn p
            map p anon 0x7f1234565000 pages 3
            write p 0x7f1234565000 pages 3 1
            """
        let r = run(setup + "\nlet before = faults(p)\ntranslate p 0x7f1234567abc write\nexpect faults(p) == before")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(6)) == [
            "translate p 0x7f1234567abc write: page 0x7f1234567, offset 0xabc; indexes 254, 72, 418, 359",
            "  PGD  table T1  entry 254  -> table T2",
            "  PUD  table T2  entry 72   -> table T3",
            "  PMD  table T3  entry 418  -> table T4",
            "  PTE  table T4  entry 359  -> frame 2, flags PWU-DA",
            "  write: frame 2, physical address 0x2abc",
        ])
    }

    /// A read leaves the accessed bit alone: after dontneed and a zero-page read the flags stay.
    @Test func faultsAndWhy() {
        let setup = "spawn p\nmap p anon 0x10000 pages 2\nwrite p 0x10000 5\nfork p as c\n"
        #expect(run(setup + "translate c 0x10000 write").lines.last
                == "  write: page fault, write-protected for copy-on-write: frame 0 is mapped by 2 entries")
        #expect(run(setup + "translate c 0x11000").lines.last
                == "  read: page fault, not present: the entry is empty (never touched, or dropped)")
        #expect(run(setup + "translate c 0x90000").lines.last == "  read: SIGSEGV, no region maps 0x90000")
        #expect(run(setup + "protect c 0x10000 pages 2 r\ntranslate c 0x10000 write").lines.last
                == "  write: SIGSEGV, protection: region anon.0x10000 is r--")
        #expect(run("profile linux\n" + setup + "read c 0x11000\ntranslate c 0x11000 write").lines.last
                == "  write: page fault, write-protected: the zero page (the fault maps a new zero-filled frame)")
        let dead = run(setup + "exit c\ntranslate c 0x10000")
        #expect(!dead.ok)
    }

    /// Two regions in different 2 MiB ranges of one 1 GiB: PGD -> PUD -> PMD (2 in use) -> 2 PTE
    /// pages; 0x10000 is PTE index 16, 0x200000 index 0 of the second PTE page (PMD index 1).
    @Test func dumpTablesTree() {
        let r = run("spawn p\nmap p anon 0x10000 pages 4\nmap p anon 0x200000 pages 1\nwrite p 0x10000 pages 4 1\nwrite p 0x200000 1\ndump p tables")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(7)) == [
            "p (pid 1): 5 table pages (4 below the top: VmPTE 16 kB), x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses)",
            "level   table  index  covers                  in use  indexes used",
            "PGD     T1         -  0x0..0x1000000000000  1 of 512  0",
            " PUD    T2         0  0x0..0x8000000000     1 of 512  0",
            "  PMD   T3         0  0x0..0x40000000       2 of 512  0-1",
            "   PTE  T4         0  0x0..0x200000         4 of 512  16-19",
            "   PTE  T5         1  0x200000..0x400000    1 of 512  0",
        ])
    }

    /// On-demand fork: the parent's two PTE pages (T4, T5) are shared by c and d; c's write at
    /// 0x40000000 copies T4 for c (new table T12: PGD/PUD/PMD of c are T6-T8, of d T9-T11), so T4
    /// is shared by p and d only, T5 by all three. The column shows only while a table is shared.
    @Test func dumpTablesShowsOnDemandSharers() {
        let setup = "config page-tables x86_64\nconfig frames 4096\nspawn p\nmap p anon 0x40000000 pages 1024\n"
            + "write p 0x40000000 pages 1024 1\nset fork odf\nfork p as c\nfork p as d\nwrite c 0x40000000 2\n"
        let r = run(setup + "dump p tables\ndump c tables")
        #expect(r.ok)
        #expect(Array(r.lines.suffix(14)) == [
            "p (pid 1): 5 table pages (4 below the top: VmPTE 16 kB), x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses)",
            "level   table  index  covers                      in use  indexes used  shared with",
            "PGD     T1         -  0x0..0x1000000000000      1 of 512  0             -",
            " PUD    T2         0  0x0..0x8000000000         1 of 512  1             -",
            "  PMD   T3         1  0x40000000..0x80000000    2 of 512  0-1           -",
            "   PTE  T4         0  0x40000000..0x40200000  512 of 512  0-511         d (pid 3)",
            "   PTE  T5         1  0x40200000..0x40400000  512 of 512  0-511         c (pid 2), d (pid 3)",
            "c (pid 2): 5 table pages (4 below the top: VmPTE 16 kB), x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses)",
            "level   table  index  covers                      in use  indexes used  shared with",
            "PGD     T6         -  0x0..0x1000000000000      1 of 512  0             -",
            " PUD    T7         0  0x0..0x8000000000         1 of 512  1             -",
            "  PMD   T8         1  0x40000000..0x80000000    2 of 512  0-1           -",
            "   PTE  T12        0  0x40000000..0x40200000  512 of 512  0-511         -",
            "   PTE  T5         1  0x40200000..0x40400000  512 of 512  0-511         p (pid 1), d (pid 3)",
        ])
        // Once p writes under T4 and T5 and c under T5, d alone holds both: no column.
        let after = run(setup + "write p 0x40000000 3\nwrite p 0x40200000 3\nwrite c 0x40200000 3\ndump d tables")
        #expect(after.ok)
        #expect(after.lines.suffix(6).allSatisfy { !$0.contains("shared with") })
        #expect(after.lines.last == "   PTE  T5         1  0x40200000..0x40400000  512 of 512  0-511")
    }
}
