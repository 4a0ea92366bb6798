import Testing
import CowEngine
@testable import CowLanguage

/// Issue 9: `dump frames` summarises frames mapped by many processes, `dump frame N` lists every
/// mapping, and `dump P` shows each entry's mapcount and who else maps the frame.
@Suite struct FrameDumpTests {
    /// One process with a 4-page written region forked `children` times, each child writing page 2.
    private func forked(_ children: Int, then command: String) -> String {
        "config frames 1024\nspawn p\nmap p anon 0x100000 pages 4 rw\nquiet write p 0x100000 pages 4 1\n"
            + "quiet\nrepeat \(children) as i\n  fork p as \"c{i}\"\n  write \"c{i}\" 0x101000 2\nend\nend\n" + command
    }

    @Test func aFrameMappedByManyIsSummarisedOnItsLine() {
        let r = run(forked(20, then: "dump frames"))
        #expect(r.ok, "\(r.output)")
        // Frame 0 (page 0x100000) is mapped by p and all 20 children: 8 named, then the rest.
        #expect(r.lines.contains(
            "  0      anonymous               21  yes        1  p 0x100000, c0 0x100000, c1 0x100000, c2 0x100000, c3 0x100000, "
                + "c4 0x100000, c5 0x100000, c6 0x100000 and 13 more (dump frame 0)"))
        #expect(r.lines.allSatisfy { $0.count < 300 })   // before: every mapper, 21 of them
    }

    @Test func eightMappersAreStillListedInFull() {
        let r = run(forked(7, then: "dump frames"))
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.contains { $0.hasSuffix("p 0x100000, c0 0x100000, c1 0x100000, c2 0x100000, c3 0x100000, c4 0x100000, c5 0x100000, c6 0x100000") })
        #expect(!r.output.contains("more (dump frame"))
    }

    @Test func dumpFrameListsEveryMapping() {
        let r = run(forked(20, then: "dump frame 0\ndump frame 1\ndump frame 30"))
        #expect(r.ok, "\(r.output)")
        let start = r.lines.firstIndex(of: "frame 0: anonymous, mapcount 21, dirty, value 1")
        #expect(start != nil)
        if let start {
            #expect(r.lines[start + 1] == "  mapped by 21 page-table entries:")
            #expect(r.lines[start + 2] == "  process  pid  address")
            #expect(r.lines[start + 3] == "  p          1  0x100000")
            #expect(r.lines[start + 23] == "  c19       21  0x100000")
        }
        #expect(r.lines.contains("frame 1: anonymous, mapcount 1, dirty, value 1"))
        #expect(r.lines.contains("  p          1  0x101000"))
        #expect(r.lines.last == "frame 30: free")
    }

    @Test func dumpFrameRefusesNumbersOutsideMemory() {
        let r = run("config frames 16\ndump frame 17")
        #expect(!r.ok)
        #expect(r.output.contains("no frame 17: frames are numbered 0 to 15, and the zero page is frame 16"))
    }

    @Test func aProcessCalledFrameCanStillBeDumped() {
        let r = run("spawn frame\ndump frame")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.contains("frame (pid 1, running)"))
    }

    @Test func dumpProcessShowsMapcountAndSharers() {
        let r = run(forked(3, then: "dump c1"))
        #expect(r.ok, "\(r.output)")
        #expect(Array(r.lines.suffix(5)) == [
            "  address             pages  frame  flags   mapcount  shared with  region",
            "  0x100000                1      0  P-UCDA         4  p, c0, c2    anon.0x100000",
            "  0x101000                1      5  PWU-DA         1  -            anon.0x100000",
            "  0x102000..0x104000      2    2-3  P-UCDA         4  p, c0, c2    anon.0x100000",
            ProcessDump.legend,
        ])
    }
}
