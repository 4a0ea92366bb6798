import Testing
import CowEngine
@testable import CowLanguage
#if canImport(FoundationXML)
import FoundationXML
#else
import Foundation
#endif

/// Issue 15: the picture model and its terminal, SVG and DOT renderers.
@Suite struct PictureTests {
    /// The seed story up to ls's write: shell and ls share libc's text (frames 0-31) and 15 heap
    /// pages (frames 41-55); ls's first heap page was copied to frame 56, shell keeps frame 40.
    static let seed = """
        config frames 128
        library libc text 32 data 8 cached
        spawn shell
        map-library shell libc at 0x400000
        map shell anon 0x10000 pages 16 rw as heap
        read shell 0x400000 pages 32
        write shell 0x10000 pages 16 1
        fork shell as ls
        write ls 0x10000 7
        """

    static func machine(_ script: String = seed) -> Machine {
        let r = run("quiet\n" + script + "\nend")
        #expect(r.ok, "\(r.output)")
        return r.session.machine
    }

    static func seedPicture() -> Picture {
        let m = machine()
        return Picture.make(of: m, processes: Picture.defaultProcesses(of: m))
    }

    // MARK: - The model

    @Test func runsConnectorsAndKindsOfTheSeedStory() {
        let p = Self.seedPicture()
        #expect(p.columns.map(\.name) == ["shell", "ls"])
        #expect(p.frames.map(\.label) == ["0-31", "40", "41-55", "56"])
        #expect(p.frames.map(\.kind) == [.pageCache, .privateAnon, .shared, .privateAnon])
        #expect(p.frames.map(\.mapcount) == [2, 1, 2, 1])
        // shell: heap 0x10000 (1 page, still copy-on-write) -> 40, heap 0x11000 (15) -> 41-55, libc.text -> 0-31.
        let shell = p.columns[0].entries.map { "\($0.region) \(p.address($0)) \($0.pages) \($0.mark) -> \(p.frames[$0.frameRun].label)" }
        #expect(shell == ["heap 0x10000 1 C -> 40", "heap 0x11000 15 C -> 41-55", "libc.text 0x400000 32 R -> 0-31"])
        let ls = p.columns[1].entries.map { "\($0.region) \(p.address($0)) \($0.pages) \($0.mark) -> \(p.frames[$0.frameRun].label)" }
        #expect(ls == ["heap 0x10000 1 W -> 56", "heap 0x11000 15 C -> 41-55", "libc.text 0x400000 32 R -> 0-31"])
        #expect(p.connectorCount == 6)
        #expect(p.connectorsToSharedFrames == 4)
        #expect(p.notes == ["8 frames in use mapped by no entry drawn (8 of them page cache)"])
    }

    @Test func theZeroPageIsOneFrameRunWithARunPerProcess() {
        let m = Self.machine("profile linux\nspawn a\nmap a anon 0x1000 pages 8\nread a 0x1000 pages 3\nwrite a 0x4000 1\nread a 0x5000 pages 2\nfork a as b")
        let p = Picture.make(of: m, processes: Picture.defaultProcesses(of: m))
        #expect(p.frames.last?.kind == .zero)
        #expect(p.frames.last?.label == "zero")
        let zeroRuns = p.columns.map { column in column.entries.filter { p.frames[$0.frameRun].kind == .zero }.map { "\(p.address($0))+\($0.pages)" } }
        #expect(zeroRuns == [["0x1000+3", "0x5000+2"], ["0x1000+3", "0x5000+2"]])
    }

    @Test func zoomShowsEveryPageOfOneRegionAndWhoSharesIt() {
        let m = Self.machine()
        let p = Picture.make(of: m, processes: [2], zoom: "heap")
        #expect(p.zoom == "heap")
        #expect(p.columns.map(\.name) == ["ls", "shell"])
        #expect(p.frames.count == 16)   // frames 41..55 and 56, one run each
        #expect(p.frames.allSatisfy { $0.count == 1 })
        #expect(p.columns[0].entries.count == 16)
        #expect(p.columns[1].entries.count == 15)   // shell's page on frame 40 is not ls's
    }

    /// Worked by hand (`SwapCommandTests.sharedSwapped`, the start of Scripts/scenarios/swap.cow):
    /// 4 frames, swap 8; p writes heap 0x10000-0x11000 (frames 0, 1), forks c; then writes 3
    /// pages of `other`: 0x20000, 0x21000 take frames 2, 3, and 0x22000 makes LRU reclaim frame
    /// 0 (heap 0x10000, shared): ONE slot, 0, named by both processes' entries, swap count 2;
    /// frame 0 goes to other 0x22000. The picture draws that slot once, after the frames, with
    /// an arrow from each.
    @Test func aSharedPageInSwapIsOneSlotWithAnArrowFromEachProcess() {
        let m = Self.machine(SwapCommandTests.sharedSwapped)
        let p = Picture.make(of: m, processes: Picture.defaultProcesses(of: m))
        #expect(p.frames.map(\.label) == ["0", "1", "2-3", "slot 0"])
        #expect(p.frames.map(\.kind) == [.privateAnon, .shared, .privateAnon, .swap])
        #expect(p.frames.last?.mapcount == 2)
        let rows = p.columns.map { column in column.entries.map { "\($0.region) \(p.address($0)) \($0.mark) -> \(p.frames[$0.frameRun].label)" } }
        #expect(rows == [["heap 0x10000 S -> slot 0", "heap 0x11000 C -> 1", "other 0x20000 W -> 2-3", "other 0x22000 W -> 0"],
                         ["heap 0x10000 S -> slot 0", "heap 0x11000 C -> 1"]])
        #expect(p.notes.isEmpty, "a slot is not a frame in use")
        let lines = PictureText(p, width: 120).lines()
        #expect(lines.contains("  heap 0x10000 1p S ----heap 0x10000 1p S ---> @ slot 0 x2 swapped-out page"))
        #expect(lines.joined(separator: " ").contains("S in swap"))
        // Zoomed on c's heap, p joins through the shared frame and the slot.
        let zoomed = Picture.make(of: m, processes: [2], zoom: "heap")
        #expect(zoomed.columns.map(\.name) == ["c", "p"])
        #expect(zoomed.frames.map(\.label) == ["1", "slot 0"])
        // Reading it back (a major fault; memory is full, so heap 0x11000 goes to slot 1) moves
        // c's entry from the slot to a frame: the step highlights it.
        let after = Self.machine(SwapCommandTests.sharedSwapped + "\nread c 0x10000")
        let q = Picture.make(of: after, processes: [1, 2])
        let changed = q.changes(since: p).entries.map { "\(q.columns[$0.column].name) \(q.address(q.columns[$0.column].entries[$0.index]))" }.sorted()
        #expect(changed.contains("c 0x10000"))
        #expect(!changed.contains("p 0x10000"), "p's entry still names slot 0")
    }

    @Test func changesMarkTheCopyAndTheMovedEntry() {
        let before = Self.machine(Self.seed.split(separator: "\n").dropLast().joined(separator: "\n"))
        let after = Self.machine()
        let p0 = Picture.make(of: before, processes: [1, 2])
        let p1 = Picture.make(of: after, processes: [1, 2])
        let changes = p1.changes(since: p0)
        // ls's heap 0x10000 now maps frame 56 (new), and frames 40 and 56 have a new mapcount.
        let changedEntries = changes.entries.map { "\(p1.columns[$0.column].name) \(p1.address(p1.columns[$0.column].entries[$0.index]))" }.sorted()
        #expect(changedEntries == ["ls 0x10000"])
        #expect(changes.frames.map { p1.frames[$0].label }.sorted() == ["40", "56"])
        #expect(p1.changes(since: p1).isEmpty)
        #expect(p1.changes(since: nil).isEmpty)
    }

    // MARK: - Terminal layout

    @Test func terminalAt80Columns() {
        let lines = PictureText(Self.seedPicture(), width: 80).lines()
        #expect(lines == [
            "draw: 2 processes; 57 of 128 frames in use",
            "  shell (pid 1)               ls (pid 2)                    frames",
            "  libc.text 0x400000 32p R ---libc.text 0x400000 32p R ---> ~ 0-31 x2 libc",
            "  heap 0x10000 1p C --------------------------------------> # 40 anonymous",
            "  heap 0x11000 15p C ---------heap 0x11000 15p C ---------> = 41-55 x2 anonymous",
            "                              heap 0x10000 1p W ----------> # 56 anonymous",
            "legend: # private, = shared, ~ page cache, xN: mapcount, entries: C",
            "  copy-on-write, W writable, R read-only, Np N pages",
            "left out: 8 frames in use mapped by no entry drawn (8 of them page cache)",
        ])
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func terminalAt132ColumnsSaysWhatTheFramesHold() {
        let lines = PictureText(Self.seedPicture(), width: 132).lines()
        #expect(lines[2] == "  libc.text 0x400000 32p R ---libc.text 0x400000 32p R ---> ~ 0-31 x2 libc pages 0-31")
        #expect(lines[6] == "legend: # private, = shared, ~ page cache, xN: mapcount, entries: C copy-on-write, W writable, R read-only, Np N pages")
        #expect(lines.allSatisfy { $0.count <= 132 })
    }

    @Test func terminalAt40ColumnsAbbreviatesAndSaysSo() {
        let lines = PictureText(Self.seedPicture(), width: 40).lines()
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.contains("  15p C ----15p C ----> = 41-55 x2 anon"))
        #expect(lines.contains("            1p W -----> # 56 anonymous"))
        #expect(lines.suffix(2) == ["left out: region names and addresses", "  left out to fit 40 columns"])
    }

    @Test func processesThatDoNotFitAreLeftOutByName() {
        var script = "config frames 64\nspawn p\nmap p anon 0x10000 pages 2 as heap\nwrite p 0x10000 pages 2 1\n"
        for k in 0..<12 { script += "fork p as child\(k)\n" }
        let m = Self.machine(script)
        let lines = PictureText(Picture.make(of: m, processes: Picture.defaultProcesses(of: m)), width: 80).lines()
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("left out: ") && $0.contains("processes left out for lack of room: child") }, "\(lines)")
        #expect(lines.contains { $0.contains("= 0-1 x13") }, "\(lines)")
    }

    @Test func rowsBeyondTheLimitAreCountedNotShown() {
        let m = Self.machine("spawn p\nmap p anon 0x10000 pages 100\nrepeat 50 as i\n  write p (0x10000 + 2 * i * page_size) 1\nend")
        let p = Picture.make(of: m, processes: [1], zoom: "anon.0x10000")
        let lines = PictureText(p, width: 80, maximumRows: 20).lines()
        #expect(lines.filter { $0.contains("---> # ") }.count == 20)
        #expect(lines.contains("left out: 30 more rows left out (`draw P REGION` zooms into one region)"))
    }

    @Test func colourOnlyWhenAsked() {
        let m = Self.machine("spawn p\nmap p anon 0x10000 pages 2 as h\nwrite p 0x10000 1\nfork p as q")
        let plain = PictureText(Picture.make(of: m, processes: [1]), width: 80).lines().joined(separator: "\n")
        #expect(!plain.contains("\u{1B}"))
        let coloured = PictureText(Picture.make(of: m, processes: [1]), width: 80, colour: true).lines().joined(separator: "\n")
        #expect(coloured.contains("\u{1B}[36m= 0 x2 anonymous\u{1B}[0m"), "\(coloured)")
        #expect(coloured.contains("1p \u{1B}[33mC\u{1B}[0m "), "\(coloured)")
    }

    // MARK: - SVG and DOT

    @Test func svgIsWellFormedWithOneElementPerRunAndALegend() throws {
        let p = Self.seedPicture()
        let text = PictureSVG(p).document()
        let document = try XMLDocument(xmlString: text, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "svg")
        func count(_ xpath: String) throws -> Int { try root.nodes(forXPath: xpath).count }
        #expect(try count("//*[local-name()='g' and contains(concat(' ', @class, ' '), ' entry ')]") == 6)
        #expect(try count("//*[local-name()='g' and contains(concat(' ', @class, ' '), ' frame ')]") == 4)
        #expect(try count("//*[local-name()='path' and contains(concat(' ', @class, ' '), ' arrow ')]") == 6)
        #expect(try count("//*[local-name()='path' and contains(concat(' ', @class, ' '), ' to-shared ')]") == 4)
        #expect(try count("//*[local-name()='g' and @class='legend']") == 1)
        let legend = try root.nodes(forXPath: "//*[local-name()='g' and @class='legend']").first?.stringValue ?? ""
        #expect(legend.contains("page cache") && legend.contains("copy-on-write") && legend.contains("the zero page"))
    }

    /// The legend's explanations (the longest, "private (mapped once, e.g. a copy made on write)",
    /// is 49 characters of 9 px at font-size 15) never run into the next item of their row nor
    /// past the picture's edge: a narrow picture (one process, two frames) puts one item a row.
    @Test func legendTextsFitTheirColumn() throws {
        for p in [Self.seedPicture(), Picture.make(of: Self.machine("spawn p\nmap p anon 0x10000 pages 2\nwrite p 0x10000 pages 2 1"), processes: [1])] {
            let document = try XMLDocument(xmlString: PictureSVG(p).document(), options: [])
            let root = try #require(document.rootElement())
            let width = try #require(Int(root.nodes(forXPath: "/*/@width").first?.stringValue ?? ""))
            let texts = try root.nodes(forXPath: "//*[local-name()='g' and @class='legend']/*[local-name()='text' and not(@font-weight)]")
            var rows: [Int: [(x: Int, end: Int)]] = [:]
            for case let t as XMLElement in texts {
                let x = try #require(Int(t.nodes(forXPath: "@x").first?.stringValue ?? ""))
                let y = try #require(Int(t.nodes(forXPath: "@y").first?.stringValue ?? ""))
                rows[y, default: []].append((x, x + (t.stringValue ?? "").count * PictureSVG.charWidth))
            }
            #expect(rows.values.reduce(0) { $0 + $1.count } == 7)
            for row in rows.values {
                let sorted = row.sorted { $0.x < $1.x }
                for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.end < b.x - 32, "legend text ends at \(a.end), next item starts at \(b.x - 32)") }
                #expect((sorted.last?.end ?? 0) <= width)
            }
        }
    }

    @Test func svgEscapesMarkupFromScripts() throws {
        let m = Self.machine("spawn \"a<b&c\"\nmap 1 anon 0x10000 pages 1 as \"x</text><script>\"\nwrite 1 0x10000 1")
        let text = PictureSVG(Picture.make(of: m, processes: [1])).document()
        #expect(!text.contains("<script>"))
        #expect(text.contains("a&lt;b&amp;c"))
        _ = try XMLDocument(xmlString: text, options: [])
    }

    @Test func aThirdProcessStacksBelowTheFirstSoNoArrowCrossesItsBoxes() throws {
        let m = Self.machine("spawn a\nmap a anon 0x10000 pages 4 as heap\nwrite a 0x10000 pages 4 1\nfork a as b\nfork b as c\nwrite c 0x10000 2")
        let svg = PictureSVG(Picture.make(of: m, processes: [1, 2, 3])).element()
        _ = try XMLDocument(xmlString: svg, options: [])
        // The box of each entry run: `<g class="entry..." data-process="P" ...><rect x="X" y="Y"`.
        func boxes(_ process: String) -> [(x: Int, y: Int)] {
            svg.split(separator: "\n").filter { $0.hasPrefix("<g class=\"entry") && $0.contains("data-process=\"\(process)\"") }.compactMap { line in
                func number(after key: String) -> Int? {
                    guard let r = line.firstRange(of: "<rect x=\"") else { return nil }
                    let rest = line[r.upperBound...]
                    let start = key == "x" ? rest : rest.firstRange(of: "y=\"").map { rest[$0.upperBound...] } ?? ""
                    return Int(start.prefix { $0.isNumber })
                }
                guard let x = number(after: "x"), let y = number(after: "y") else { return nil }
                return (x, y)
            }
        }
        let a = boxes("a"), b = boxes("b"), c = boxes("c")
        // Page 0 (x2 for a and b; c copied it) and pages 1-3 (x3).
        try #require(a.count == 2 && b.count == 2 && c.count == 2, "\(a) \(b) \(c)")
        #expect(c.allSatisfy { $0.x == a[0].x }, "c stands on a's side")
        #expect(c.allSatisfy { $0.y > a[1].y + 34 }, "c stands below a")
        #expect(b[0].x > a[0].x + 300, "b stands on the other side of the frames")
    }

    @Test func dotHasANodePerRunAndAnEdgePerConnector() {
        let text = PictureDOT(Self.seedPicture()).document()
        #expect(text.hasPrefix("// cowsim draw"))
        #expect(text.contains("digraph cowsim {"))
        #expect(text.split(separator: "\n").filter { $0.contains(" -> f") }.count == 6)
        #expect(text.contains("f2 [label=\"= 41-55 x2 anonymous\""))
        #expect(text.contains("e1_0 [label=\"W heap 0x10000 1 page\"]"))
        #expect(text.contains("legend [shape=note"))
    }
}
