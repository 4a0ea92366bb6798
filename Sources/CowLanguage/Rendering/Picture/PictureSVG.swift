/// The SVG renderer of a `Picture`: the textbook figure. The first half of the processes stand
/// left of physical memory, the others right of it (two processes: parent | frames | child), each
/// a column of boxes, one per entry run in address order; the frames are a column of boxes, one
/// per frame run in frame order; an arrow goes from each entry run to its frame run. Kinds are
/// told apart by fill colour AND symbol; a legend says which is which. Large type, so it reads
/// when projected. Written by cowsim itself, no dependency.
///
/// Structure (tests and the lesson's script rely on it): one `<g class="entry ...">` per entry
/// run, one `<g class="frame kind-K ...">` per frame run, one `<path class="arrow ...">` per
/// connector (`to-shared` when its frame is mapped more than once), one `<g class="legend">`;
/// changed elements (see `Picture.Changes`) carry the class `changed`.
public struct PictureSVG {
    /// The picture.
    public var picture: Picture
    /// What to highlight.
    public var changes: Picture.Changes

    public init(_ picture: Picture, changes: Picture.Changes = .none) {
        self.picture = picture
        self.changes = changes
    }

    // Geometry (px).
    static let margin = 24
    static let boxHeight = 34
    static let rowGap = 8
    static let charWidth = 9   // monospace at font-size 15
    static let gutter = 170    // room for the arrows between a process column and the frames
    static let columnGap = 24
    static let titleHeight = 64
    static let blockGap = 40   // between two processes stacked on one side (room for a heading)

    /// The standalone document (`draw ... to FILE.svg`): an XML declaration, then the `<svg>`.
    public func document() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element()
    }

    /// The `<svg>` element alone (inline in HTML).
    public func element() -> String {
        let p = picture
        let n = p.columns.count
        let entryCells: [[String]] = p.columns.map { column in column.entries.map { cellText($0) } }
        // Even columns stand left of the frames, odd ones right (two processes: parent | frames |
        // child); more processes stack below on their side, so no arrow crosses another
        // process's boxes.
        func isLeft(_ c: Int) -> Bool { c % 2 == 0 }
        var sideWidth = [160, 160]
        for (c, column) in p.columns.enumerated() {
            let longest = max(entryCells[c].map(\.count).max() ?? 0, heading(column).count)
            sideWidth[c % 2] = max(sideWidth[c % 2], longest * Self.charWidth + 20)
        }
        let columnWidths = p.columns.indices.map { sideWidth[$0 % 2] }
        let frameCells = p.frames.map(frameText)
        let frameWidth = max((frameCells.map(\.count).max() ?? 0) * Self.charWidth + 20, 200)
        let framesX = Self.margin + sideWidth[0] + Self.gutter
        let rightX = framesX + frameWidth + Self.gutter
        let columnX = p.columns.indices.map { isLeft($0) ? Self.margin : rightX }
        let top = Self.margin + Self.titleHeight
        let step = Self.boxHeight + Self.rowGap
        // y of each column's first entry box; its heading sits just above.
        var columnY = Array(repeating: top, count: n)
        var sideEnd = [top, top]
        for c in 0..<n {
            if c >= 2 { columnY[c] = sideEnd[c % 2] + Self.blockGap }
            sideEnd[c % 2] = columnY[c] + max(p.columns[c].entries.count, 1) * step
        }
        let legendLines = legendItems()
        let contentWidth = max((n > 1 ? rightX + sideWidth[1] : framesX + frameWidth) + Self.margin, 640)
        let bottom = max(sideEnd[0], sideEnd[1], top + max(p.frames.count, 1) * step)
        let legendTop = bottom + 16
        // Two legend items a row when two of the longest fit side by side, else one.
        let legendItemWidth = 32 + (legendLines.map(\.text.count).max() ?? 0) * Self.charWidth + Self.columnGap
        let legendPerRow = contentWidth - 2 * Self.margin >= 2 * legendItemWidth ? 2 : 1
        let legendRows = (legendLines.count + legendPerRow - 1) / legendPerRow
        let height = legendTop + 30 + legendRows * 28 + (p.notes.count * 24) + Self.margin

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cowsim-picture\" width=\"\(contentWidth)\" height=\"\(height)\" viewBox=\"0 0 \(contentWidth) \(height)\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"15\">\n"
        s += "<title>\(xml(titleText()))</title>\n"
        s += "<defs>\n"
        for kind in Picture.Kind.allCases {
            s += "<marker id=\"head-\(kindClass(kind))\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"14\" markerHeight=\"14\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(kind.stroke)\"/></marker>\n"
        }
        s += "</defs>\n"
        s += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(contentWidth)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        s += "<text class=\"title\" x=\"\(Self.margin)\" y=\"\(Self.margin + 22)\" font-size=\"22\" font-weight=\"bold\">\(xml(titleText()))</text>\n"
        // Column headings.
        for (c, column) in p.columns.enumerated() {
            s += "<text class=\"heading\" x=\"\(columnX[c])\" y=\"\(columnY[c] - 14)\" font-size=\"17\" font-weight=\"bold\">\(xml(heading(column)))</text>\n"
        }
        s += "<text class=\"heading\" x=\"\(framesX)\" y=\"\(top - 14)\" font-size=\"17\" font-weight=\"bold\">\(p.kindsPresent.contains(.swap) ? "frames and swap slots" : "physical frames")</text>\n"
        // Arrows first, so boxes are drawn over their ends.
        for (c, column) in p.columns.enumerated() {
            let onLeft = isLeft(c)
            for (k, e) in column.entries.enumerated() {
                let run = p.frames[e.frameRun]
                let y1 = columnY[c] + k * step + Self.boxHeight / 2
                let y2 = top + e.frameRun * step + Self.boxHeight / 2
                let x1 = onLeft ? columnX[c] + columnWidths[c] : columnX[c]
                let x2 = onLeft ? framesX - 2 : framesX + frameWidth + 2
                let bend = (x2 - x1) / 2
                var classes = "arrow kind-\(kindClass(run.kind))"
                if run.mapcount > 1 { classes += " to-shared" }
                if changes.entries.contains(Picture.EntryKey(column: c, index: k)) { classes += " changed" }
                let width = classes.contains("changed") ? 4 : 2
                s += "<path class=\"\(classes)\" data-process=\"\(xml(column.name))\" d=\"M\(x1),\(y1) C\(x1 + bend),\(y1) \(x2 - bend),\(y2) \(x2),\(y2)\" fill=\"none\" stroke=\"\(run.kind.stroke)\" stroke-width=\"\(width)\" marker-end=\"url(#head-\(kindClass(run.kind)))\"/>\n"
            }
        }
        // Entry boxes.
        for (c, column) in p.columns.enumerated() {
            for (k, e) in column.entries.enumerated() {
                let run = p.frames[e.frameRun]
                let y = columnY[c] + k * step
                var classes = "entry"
                if e.copyOnWrite { classes += " cow" }
                if changes.entries.contains(Picture.EntryKey(column: c, index: k)) { classes += " changed" }
                let changed = classes.contains("changed")
                s += "<g class=\"\(classes)\" data-process=\"\(xml(column.name))\" data-frames=\"\(run.label)\">"
                s += "<rect x=\"\(columnX[c])\" y=\"\(y)\" width=\"\(columnWidths[c])\" height=\"\(Self.boxHeight)\" rx=\"4\" fill=\"\(e.copyOnWrite ? "#fff4d6" : "#ffffff")\" stroke=\"\(changed ? "#d62728" : "#444444")\" stroke-width=\"\(changed ? 3 : 1.5)\"\(e.copyOnWrite ? " stroke-dasharray=\"6 3\"" : "")/>"
                s += "<text x=\"\(columnX[c] + 10)\" y=\"\(y + 22)\">\(xml(entryCells[c][k]))</text></g>\n"
            }
        }
        // Frame boxes.
        for (k, run) in p.frames.enumerated() {
            let y = top + k * step
            var classes = "frame kind-\(kindClass(run.kind))"
            if run.mapcount > 1 { classes += " shared" }
            if changes.frames.contains(k) { classes += " changed" }
            let changed = classes.contains("changed")
            s += "<g class=\"\(classes)\" data-frames=\"\(run.label)\" data-mapcount=\"\(run.mapcount)\">"
            s += "<rect x=\"\(framesX)\" y=\"\(y)\" width=\"\(frameWidth)\" height=\"\(Self.boxHeight)\" rx=\"4\" fill=\"\(run.kind.fill)\" stroke=\"\(changed ? "#d62728" : run.kind.stroke)\" stroke-width=\"\(changed ? 3 : 1.5)\"/>"
            s += "<text x=\"\(framesX + 10)\" y=\"\(y + 22)\">\(xml(frameCells[k]))</text></g>\n"
        }
        // Legend.
        s += "<g class=\"legend\">\n<text x=\"\(Self.margin)\" y=\"\(legendTop + 18)\" font-weight=\"bold\">Legend</text>\n"
        let legendColumn = max((contentWidth - 2 * Self.margin) / 2, legendItemWidth)
        for (i, item) in legendLines.enumerated() {
            let lx = Self.margin + (i % legendPerRow) * legendColumn
            let ly = legendTop + 30 + (i / legendPerRow) * 28
            s += "<rect x=\"\(lx)\" y=\"\(ly)\" width=\"22\" height=\"20\" rx=\"3\" fill=\"\(item.fill)\" stroke=\"\(item.stroke)\"\(item.dashed ? " stroke-dasharray=\"4 2\"" : "")/>"
            s += "<text x=\"\(lx + 6)\" y=\"\(ly + 15)\" font-weight=\"bold\">\(xml(item.symbol))</text>"
            s += "<text x=\"\(lx + 32)\" y=\"\(ly + 15)\">\(xml(item.text))</text>\n"
        }
        s += "</g>\n"
        let notesTop = legendTop + 30 + legendRows * 28
        for (i, note) in p.notes.enumerated() {
            s += "<text class=\"note\" x=\"\(Self.margin)\" y=\"\(notesTop + 16 + i * 24)\" fill=\"#555555\">\(xml("left out: " + note))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    private struct LegendItem {
        var symbol: String
        var text: String
        var fill: String
        var stroke: String
        var dashed = false
    }

    /// Every kind (so the legend does not jump between steps of a lesson), then the entry marks.
    private func legendItems() -> [LegendItem] {
        var items = Picture.Kind.allCases.map { LegendItem(symbol: String($0.symbol), text: $0.explanation, fill: $0.fill, stroke: $0.stroke) }
        items.append(LegendItem(symbol: "C", text: "copy-on-write entry (write-protected)", fill: "#fff4d6", stroke: "#444444", dashed: true))
        items.append(LegendItem(symbol: "W", text: "writable entry; R read-only", fill: "#ffffff", stroke: "#444444"))
        if picture.kindsPresent.contains(.swap) {
            items.append(LegendItem(symbol: "S", text: "entry of a page in swap (xN: swap count)", fill: "#ffffff", stroke: "#444444"))
        }
        return items
    }

    private func titleText() -> String {
        var text = picture.zoom.map { "\(picture.columns.first?.name ?? "") region \($0)" }
            ?? picture.columns.map(\.name).joined(separator: ", ")
        if text.isEmpty { text = "no process" }
        return text + ": \(picture.usedFrames) of \(Format.frames(picture.frameCount)) in use"
    }

    private func heading(_ column: Picture.Column) -> String { "\(column.name) (pid \(column.pid))" }

    private func cellText(_ e: Picture.EntryRun) -> String {
        "\(e.mark) \(e.region) \(picture.address(e)) \(Format.pages(e.pages))"
    }

    private func frameText(_ run: Picture.FrameRun) -> String {
        "\(run.kind.symbol) \(run.label)" + (run.mapcount > 1 ? " x\(run.mapcount)" : "") + " \(run.content)"
    }

    /// The kind as a class name: `private`, `shared`, `page-cache`, `zero-page`, `swap-slot`.
    func kindClass(_ kind: Picture.Kind) -> String { kind.rawValue.replacing(" ", with: "-") }

    /// Text as XML character data or attribute value (`Markup.escaped`, newlines escaped too).
    static func xml(_ text: String) -> String { Markup.escaped(text, keepingNewlines: false) }

    private func xml(_ text: String) -> String { Self.xml(text) }
}
