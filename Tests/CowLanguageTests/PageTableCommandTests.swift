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
