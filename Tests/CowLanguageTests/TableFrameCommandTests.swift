import Testing
import CowEngine
@testable import CowLanguage

/// `config page-tables LAYOUT frames` (issue 13) in the language: the switch, what `dump frames`,
/// `stats` and `translate` show, and the errors. Figures by hand: x86_64, a PGD per process from
/// its creation, PUD + PMD + PTE page for a first page, frames lowest first.
@Suite struct TableFrameCommandTests {
    static let onePage = """
        config frames 8
        config page-tables x86_64 frames
        spawn p
        map p anon 0x10000 pages 1 rw
        write p 0x10000 7
        """

    @Test func theSwitchMakesTablesFrames() {
        let r = run(Self.onePage + "\ndump frames\nstats")
        #expect(r.ok)
        #expect(r.lines[1] == "config: page tables x86_64 (4 levels of 9 bits, 4096-byte pages, 48-bit addresses), table pages take frames")
        #expect(r.lines.contains("fault  p 0x10000: demand-zero, new frame 4"))
        #expect(r.lines.contains("frames: 5 of 8 used (anonymous 1, page cache 0, page tables 4), 3 free"))
        #expect(r.lines.contains("  3      page-table                0  no         0  -"))
        #expect(r.lines.contains("frames         5 used (anonymous 1, page cache 0, shared memory 0 of it, page tables 4), 3 free"))
    }

    /// Without the word nothing changes: the page is frame 0, no `page tables` in the frame lines.
    @Test func withoutTheWordTablesTakeNoFrames() {
        let r = run(Self.onePage.replacingOccurrences(of: "x86_64 frames", with: "x86_64") + "\ndump frames")
        #expect(r.ok)
        #expect(r.lines.contains("fault  p 0x10000: demand-zero, new frame 0"))
        #expect(r.lines.contains("frames: 1 of 8 used (anonymous 1, page cache 0), 7 free"))
    }

    /// The tables' ids are their frames: `dump p tables` names T0..T3.
    @Test func tableIdsAreFrameNumbers() {
        let r = run(Self.onePage + "\ndump p tables")
        #expect(r.ok)
        #expect(r.lines.contains { $0.hasPrefix("PGD     T0 ") })
        #expect(r.lines.contains { $0.hasPrefix("   PTE  T3 ") })
    }

    /// `reset` keeps the switch; a fork with too few free frames is an error changing nothing.
    @Test func resetKeepsItAndForkCanRunShort() {
        #expect(value("frames_used", after: Self.onePage + "\nreset\nspawn q") == "1")
        #expect(firstError(Self.onePage + "\nfork p as c").contains("error: "))
        #expect(value("frames_used", after: Self.onePage + "\nexpect-error fork p as c") == "5")
    }

    @Test func errors() {
        #expect(firstError("set fork odf\nconfig page-tables x86_64 frames") == "t.cow:2:1: error: table pages as frames do not combine with on-demand fork")
        #expect(firstError("config page-tables x86_64 frames\nset fork odf") == "t.cow:2:1: error: on-demand fork does not combine with table pages as frames (`config page-tables ... frames`)")
        #expect(firstError("config page-tables x86_64 framez").contains("t.cow:1:27: error: "))
    }
}
