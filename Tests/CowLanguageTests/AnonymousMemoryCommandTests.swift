import Testing
import CowEngine
@testable import CowLanguage

// Issue 11's anonymous-memory commands: `map ... populate`, `mlock` / `munlock`,
// `mremap P RANGE size N`, the functions exclusive(), locked(), pss_dirty(), the dump flag E and
// the smaps Locked column; every bad input is a file:line:column error that changes nothing.
@Suite struct AnonymousMemoryCommandTests {
    @Test func populateMlockAndResizeOutput() {
        let r = run("""
            profile linux
            spawn p
            map p anon 0x10000 pages 2 rw populate as heap
            mremap p 0x10000 pages 2 size 4
            mlock p 0x10000 pages 4
            munlock p 0x10000 pages 1
            mremap p 0x10000 pages 1 size 1
            """)
        #expect(r.ok, "\(r.output)")
        #expect(Array(r.lines.dropFirst(2)) == [
            "p: mapped heap 0x10000..0x12000 (2 pages, rw-, private anonymous)",
            "fault  p 0x10000..0x12000 (2 pages): demand-zero, new frames 0-1",
            "p: populated 0x10000..0x12000 (2 pages): 2 faults",
            "p: grew 0x10000..0x12000 (2 pages) in place to 0x10000..0x14000 (4 pages)",
            "fault  p 0x12000..0x14000 (2 pages): demand-zero, new frames 2-3",
            "p: locked 0x10000..0x14000 (4 pages), populated with 2 faults",
            "p: unlocked 0x10000..0x11000 (1 page)",
            "p: kept 0x10000..0x11000 (1 page) in place to 0x10000..0x11000 (1 page)",
        ])
    }

    /// Locked column: P locks 2 of its 4 written pages; fork shares all 4 (Pss 2 pages, Locked
    /// 1 page = 4 kB, since the 2 locked pages have mapcount 2: 2 x 1/2).
    @Test func smapsLockedColumnAndFunctions() {
        let r = run("""
            profile linux
            spawn p
            map p anon 0x10000 pages 4 rw as heap
            write p 0x10000 pages 4 1
            mlock p 0x10000 pages 2
            fork p as c
            quiet smaps p
            expect locked(p) == 1 and locked(p, heap) == 1 and locked(c) == 0
            expect pss_dirty(p) == 2 and pss_dirty(c) == 2
            expect not exclusive(p, 0x10000) and not exclusive(c, 0x13000)
            write c 0x13000 2
            expect exclusive(c, 0x13000) and not exclusive(p, 0x13000)
            """)
        #expect(r.ok, "\(r.output)")
        let smaps = run("""
            profile linux
            spawn p
            map p anon 0x10000 pages 4 rw as heap
            write p 0x10000 pages 4 1
            mlock p 0x10000 pages 2
            fork p as c
            smaps p
            """).lines.filter { $0.hasPrefix("  ") }
        // one row for heap (its two parts, locked and not, are summed under the name): Pss 4 x 1/2
        // = 2 pages = 8 kB; Locked 2 x 1/2 = 1 page = 4 kB
        #expect(smaps == [
            "  region  range             Size  Rss  Pss  Pss pages  Shared_Clean  Shared_Dirty  Private_Clean  Private_Dirty  Anonymous  Locked",
            "  heap    0x10000..0x14000    16   16    8          2             0            16              0              0         16       4",
            "  total                       16   16    8          2             0            16              0              0         16       4",
        ], "\(smaps)")
        // without mlock, no Locked column
        let plain = run("spawn p\nmap p anon 0x10000 pages 1\nsmaps p")
        #expect(!plain.output.contains("Locked"))
    }

    /// The dump flag E: under linux, only on exclusive pages; never under textbook.
    @Test func dumpShowsTheExclusiveMark() {
        let linux = run("profile linux\nspawn p\nmap p anon 0x10000 pages 1\nwrite p 0x10000 1\ndump p")
        #expect(linux.output.contains("PWU-DAE"), "\(linux.output)")
        #expect(linux.output.contains("E exclusive anonymous page (rule 10)"))
        let textbook = run("spawn p\nmap p anon 0x10000 pages 1\nwrite p 0x10000 1\ndump p")
        #expect(textbook.output.contains("PWU-DA ") && !textbook.output.contains("PWU-DAE"), "\(textbook.output)")
        #expect(!textbook.output.contains("exclusive"))
    }

    /// The report's script: under `profile linux` the region split by `protect` merges back when
    /// its middle page gets rw again (one row in `dump`, as /proc/PID/maps shows one VMA), so
    /// mremap can grow it; the textbook profile keeps the three pieces, and mremap names the
    /// region at the address and its extent (0x10000..0x11000, 1 page).
    @Test func protectedRegionMergesBackForMremap() {
        let script = """
            spawn p
            map p anon 0x10000 pages 4 rw as a
            write p 0x10000 pages 4 1
            protect p 0x11000 pages 1 r
            protect p 0x11000 pages 1 rw
            dump p
            mremap p 0x10000 pages 4 size 8
            check
            """
        let linux = run("profile linux\n" + script)
        #expect(linux.ok, "\(linux.output)")
        #expect(linux.lines.filter { $0.hasPrefix("  a ") } == [
            "  a       0x10000..0x14000      4  rw-p  anonymous",
        ])
        #expect(linux.lines.contains("p: grew 0x10000..0x14000 (4 pages) in place to 0x10000..0x18000 (8 pages)"))
        let textbook = run(script)
        #expect(!textbook.ok)
        #expect(textbook.lines.filter { $0.hasPrefix("  a ") } == [
            "  a       0x10000..0x11000      1  rw-p  anonymous",
            "  a       0x11000..0x12000      1  rw-p  anonymous",
            "  a       0x12000..0x14000      2  rw-p  anonymous",
        ])
        #expect(firstError(script) == "t.cow:7:10: error: mremap ... size resizes one whole region; the region `a` at 0x10000 is 0x10000..0x11000 (1 page)")
    }

    @Test func badInputIsAnErrorAtItsPlace() {
        let setup = "spawn p\nmap p anon 0x10000 pages 4 as heap\nmap p anon 0x20000 pages 1 as wall\n"
        #expect(firstError(setup + "mremap p 0x10000 pages 4 size 20") == "t.cow:4:10: error: the new mapping overlaps region wall (0x20000..0x21000) of p (pid 1)")
        #expect(firstError(setup + "mremap p 0x10000 pages 4 size 0") == "t.cow:4:31: error: the new size (in pages) must be between 1 and 16777216, found 0")
        #expect(firstError(setup + "mremap p 0x10000 pages 2 size 1") == "t.cow:4:10: error: mremap ... size resizes one whole region; the region `heap` at 0x10000 is 0x10000..0x14000 (4 pages)")
        #expect(firstError(setup + "mremap p 0x10000 pages 4 grow 1") == "t.cow:4:26: error: expected `to` or `size` after `4`, found `grow`")
        #expect(firstError(setup + "mremap p 0x10000 pages 4 size") == "t.cow:4:30: error: expected the new size in pages after `size`, found the end of the line")
        #expect(firstError(setup + "mlock p 0x10000 pages 5").hasPrefix("t.cow:4:"))
        #expect(firstError(setup + "munlock p 0x30000").hasPrefix("t.cow:4:"))
        #expect(firstError(setup + "map p anon 0x40000 pages 1 populate populate") == "t.cow:4:37: error: `populate` is given twice")
        #expect(firstError(setup + "mlock q 0x10000").hasPrefix("t.cow:4:7: error:"))
        // nothing changed by a refused command
        let r = run(setup + "expect-error mremap p 0x10000 pages 4 size 20\nexpect-error mlock p 0x10000 pages 5\nexpect size(p, heap) == 4 and locked(p) == 0 and faults(p) == 0")
        #expect(r.ok, "\(r.output)")
    }
}
