import Testing
@testable import CowEngine

/// Issue 11, rule 9 of /work/shared/conformance/README.md, `linux` profile only; the
/// figures below are worked out by hand from the rules' text.
@Suite("Conformance rule 9, linux profile")
struct LinuxRulesRoundTwoTests {
    /// Rule 9: window from = max(i - i % 16, region start), to = min(from + 16, 512-entry table
    /// end, region end). A region starting at vpn 0x105 (5 pages into the window at 0x100):
    /// the first read at 0x105 maps 0x105..0x114, 16 pages (before: 0x105..0x10f, 11 pages).
    @Test("rule 9: the fault-around window keeps its 16 pages when the region starts mid-window")
    func faultAroundWindowKeepsItsLength() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 0, at: 0x105, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        #expect(try m.read(p, vpn: 0x105) == .value(0))
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x105, frame: 0, major: false, mappedPages: 16)])
        #expect(m.pageTable(of: p).map(\.vpn) == Array(0x105..<0x115))
        // The next fault, at 0x115: window max(0x110, 0x105) = 0x110 .. 0x120; 0x110-0x114 are
        // mapped already, so 0x115 and the 10 pages 0x116-0x11f: 11 in all.
        #expect(try m.read(p, vpn: 0x115) == .value(0))
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x115, frame: 16, major: false, mappedPages: 11)])
        #expect(m.usage(of: p)?.rss == 27)
        expectConsistent(m)
    }

    /// Rule 9, the 512-entry page-table end: a region at 0x1f9 (7 pages before 0x200): a read
    /// at 0x1f9 maps 0x1f9..0x1ff only, 7 pages, however long the region is.
    @Test("rule 9: the window stops at the end of the page-table page")
    func faultAroundStopsAtThePageTableEnd() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 0, at: 0x1f9, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x1f9)
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x1f9, frame: 0, major: false, mappedPages: 7)])
    }

    @Test("rule 9 is a linux rule: textbook maps one page per fault")
    func textbookHasNoFaultAround() throws {
        var m = machine(.textbook)
        let f = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 0, at: 0x105, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x105)
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x105, frame: 0, major: false, mappedPages: 1)])
    }
}
