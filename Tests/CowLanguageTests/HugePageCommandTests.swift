import Testing
import CowEngine
@testable import CowLanguage

// Transparent huge pages in the language (rule 17): the fault and split lines, `dump`'s H flag,
// smaps' AnonHugePages column, `anon_huge_pages()` and the refusals. Figures worked by hand:
// one huge page is 512 frames from 0, 2048 kB with 4 KiB pages.
@Suite struct HugePageCommandTests {
    static let setup = "config frames 2048\nspawn p\nmap p anon 0x40000000 pages 512 rw as heap\nadvise p 0x40000000 pages 512 hugepage\n"

    @Test func oneFaultOneLineAndTheDumpShowsH() {
        let r = run(Self.setup + "write p 0x40000000 1\ndump p")
        #expect(r.ok)
        #expect(r.lines.contains("fault  p 0x40000000..0x40200000 (512 pages): huge page (2048 kB), new frames 0-511 in one fault"))
        #expect(r.lines.contains("  0x40000000..0x40200000    512  0-511  PWU-DAH         1  -            heap"))
        #expect(r.lines.last == ProcessDump.hugeLegend)
    }

    @Test func forkThenWriteSplitsAndCopiesOnePage() {
        let r = run(Self.setup + "write p 0x40000000 1\nfork p as c\nwrite c 0x40001000 2\necho \"{faults(c)} {copies(c)} {anon_huge_pages(p)} {anon_huge_pages(c)} {pss(c)}\"")
        #expect(r.ok)
        #expect(r.lines.contains("split  c 0x40000000..0x40200000 (512 pages): huge page mapping split into ordinary page-table entries (the frames stay)"))
        #expect(r.lines.contains("copy   c 0x40001000: copy-on-write, frame 1 copied to frame 512"))
        // 1 fault, 1 copy; p still maps the huge page (2048 kB), c no longer; Pss 511/2 + 1.
        #expect(r.lines.last == "1 1 2048 0 513/2")
    }

    @Test func smapsGainsAnonHugePagesOnlyWhenAdvised() {
        let r = run(Self.setup + "write p 0x40000000 1\nsmaps p")
        #expect(r.lines.suffix(3) == [
            "  region  range                   Size   Rss   Pss  Pss pages  Shared_Clean  Shared_Dirty  Private_Clean  Private_Dirty  Anonymous  AnonHugePages",
            "  heap    0x40000000..0x40200000  2048  2048  2048        512             0             0              0           2048       2048           2048",
            "  total                           2048  2048  2048        512             0             0              0           2048       2048           2048",
        ])
        let plain = run("spawn p\nmap p anon 0x10000 pages 2 rw as heap\nwrite p 0x10000 1\nsmaps p")
        #expect(plain.lines.allSatisfy { !$0.contains("AnonHugePages") })
        #expect(run("spawn p\nmap p anon 0x10000 pages 2 rw as heap\necho anon_huge_pages(p)").lines.last == "0")
    }

    @Test func refusedWithPlaceAndNothingChanged() {
        #expect(firstError("spawn s\nmap s anon 0x40000000 pages 600\nadvise s 0x40001000 pages 512 hugepage")
                == "t.cow:3:10: error: advice hugepage needs a range holding a whole huge page (512 pages from a multiple of 512 pages: 2 MiB, 2 MiB-aligned, with 4 KiB pages); this range of 512 pages holds none")
        #expect(firstError("file f pages 512\nspawn s\nmap s file f 0x40000000 pages 512\nadvise s 0x40000000 pages 512 hugepage")
                == "t.cow:4:10: error: advice hugepage applies only to private anonymous memory; region f is a file mapping")
        let r = run("spawn s\nmap s anon 0x40000000 pages 600 rw as heap\nexpect-error \"holds none\" advise s 0x40001000 pages 512 hugepage\ndump s")
        #expect(r.ok)
        #expect(r.lines.contains("  heap    0x40000000..0x40258000    600  rw-p  anonymous"))
    }
}
