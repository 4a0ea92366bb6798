/// The terminal renderer of a `Picture`: one column per process, the frames on the right, and
/// each row a connector. A row is one frame run: every process whose entries map it shows that
/// entry run in its column, and a line of dashes runs from the first of them to the frame run
/// (`heap 0x10000 16p C --------> = 40-55 anonymous x2`). So entries on one row share those
/// frames, and an entry alone on its row has them to itself.
///
/// It fits `width` columns: it first abbreviates the entry cells (region names, then addresses),
/// then leaves out the processes that do not fit, and shows at most `maximumRows` rows; each thing
/// left out is said in a line under the legend.
public struct PictureText {
    /// The picture.
    public var picture: Picture
    /// Columns available (the terminal's width, $COLUMNS, or 80).
    public var width: Int
    /// Whether to paint kinds and marks with ANSI colour (only where `ColourPolicy` allows).
    public var colour: Bool
    /// The most rows of connectors shown.
    public var maximumRows: Int

    /// The smallest width honoured (narrower requests get this).
    public static let minimumWidth = 40

    public init(_ picture: Picture, width: Int, colour: Bool = false, maximumRows: Int = 60) {
        self.picture = picture
        self.width = max(width, Self.minimumWidth)
        self.colour = colour
        self.maximumRows = max(maximumRows, 1)
    }

    /// How much an entry cell is abbreviated.
    private enum Detail: Int, CaseIterable {
        /// `heap 0x10000 16p C`.
        case full
        /// Region names cut to 8 characters.
        case shortNames
        /// No address: `heap 16p C`.
        case noAddress
        /// Pages and mark only: `16p C`.
        case minimal
    }

    /// One row: the frame run and, per column, the entry run on it (nil: none).
    private struct Row {
        var frameRun: Int
        var entries: [Picture.EntryRun?]
        var continuation: Bool
    }

    /// The lines, without trailing newlines.
    public func lines() -> [String] {
        var out: [String] = wrapped(heading())
        if picture.columns.isEmpty {
            out.append("  no process to draw")
            return out
        }
        let allRows = rows()
        // Choose the detail and the columns that fit.
        var detail = Detail.full
        var shown = picture.columns.count
        while true {
            if layoutWidth(rows: allRows, columns: shown, detail: detail) <= width { break }
            if let next = Detail(rawValue: detail.rawValue + 1) {
                detail = next
            } else if shown > 1 {
                shown -= 1
            } else {
                break
            }
        }
        let widths = columnWidths(rows: allRows, columns: shown, detail: detail)
        // Rows that have an entry among the columns shown.
        let visible = allRows.filter { row in row.entries.prefix(shown).contains { $0 != nil } }
        let rows = visible.prefix(maximumRows)
        // Header.
        var header = "  "
        for c in 0..<shown {
            var title = headerText(picture.columns[c])
            if title.count > widths[c] + 3 { title = picture.columns[c].name }
            header += pad(cut(title, widths[c] + 3), widths[c] + 4)
        }
        header += "  frames"
        out.append(trimmed(header))
        for row in rows { out.append(render(row, widths: widths, shown: shown, detail: detail)) }
        out += wrapped(legend())
        var left: [String] = picture.notes
        if shown < picture.columns.count {
            let names = picture.columns[shown...].map(\.name)
            left.append("\(Format.count(names.count, "process", "processes")) left out for lack of room: "
                        + names.prefix(6).joined(separator: ", ") + (names.count > 6 ? " and \(names.count - 6) more" : "")
                        + " (name fewer processes: `draw \(names[0])`)")
        }
        if visible.count > rows.count {
            left.append("\(visible.count - rows.count) more rows left out (`draw P REGION` zooms into one region)")
        }
        if detail != .full {
            left.append(detail == .shortNames ? "region names shortened to fit \(width) columns"
                        : detail == .noAddress ? "addresses left out to fit \(width) columns"
                        : "region names and addresses left out to fit \(width) columns")
        }
        for note in left { out += wrapped("left out: " + note) }
        return out.map { TerminalText.escaped($0, keepingNewlines: false) }.map { colour ? paint($0) : $0 }
    }

    // MARK: - Rows and cells

    private func rows() -> [Row] {
        var byFrame: [[[Picture.EntryRun]]] = Array(repeating: Array(repeating: [], count: picture.columns.count),
                                                     count: picture.frames.count)
        for (c, column) in picture.columns.enumerated() {
            for entry in column.entries { byFrame[entry.frameRun][c].append(entry) }
        }
        var rows: [Row] = []
        for (f, perColumn) in byFrame.enumerated() {
            let height = perColumn.map(\.count).max() ?? 0
            for k in 0..<height {
                rows.append(Row(frameRun: f, entries: perColumn.map { k < $0.count ? $0[k] : nil }, continuation: k > 0))
            }
        }
        return rows
    }

    private func headerText(_ column: Picture.Column) -> String { "\(column.name) (pid \(column.pid))" }

    private func cell(_ e: Picture.EntryRun, _ detail: Detail) -> String {
        let pages = "\(e.pages)p \(e.mark)"
        switch detail {
        case .full: return "\(e.region) \(picture.address(e)) \(pages)"
        case .shortNames: return "\(short(e.region)) \(picture.address(e)) \(pages)"
        case .noAddress: return "\(short(e.region)) \(pages)"
        case .minimal: return pages
        }
    }

    private func short(_ name: String) -> String { name.count <= 8 ? name : String(name.prefix(7)) + "+" }

    /// The frame run's symbol, frames and mapcount: `= 41-55 x2`.
    private func essential(_ run: Picture.FrameRun) -> String {
        "\(run.kind.symbol) \(run.label)" + (run.mapcount > 1 ? " x\(run.mapcount)" : "")
    }

    /// The frame cell in `room` columns: with what the frames hold in words if it fits, else
    /// in one word, else without.
    private func frameCell(_ run: Picture.FrameRun, room: Int) -> String {
        let base = essential(run)
        if run.kind == .zero { return base + " page" }
        for text in [base + " " + run.content, base + " " + run.shortContent] where text.count <= room { return text }
        return base
    }

    private func columnWidths(rows: [Row], columns shown: Int, detail: Detail) -> [Int] {
        (0..<shown).map { c in
            var w = detail == .minimal ? 6 : min(headerText(picture.columns[c]).count, 16)
            for row in rows { if let e = row.entries[c] { w = max(w, cell(e, detail).count) } }
            return w
        }
    }

    /// The widest frame cell without its words, plus room for one short word.
    private func frameCellWidth(rows: [Row], columns shown: Int) -> Int {
        (rows.map { essential(picture.frames[$0.frameRun]).count }.max() ?? 6) + 6
    }

    private func layoutWidth(rows: [Row], columns shown: Int, detail: Detail) -> Int {
        let widths = columnWidths(rows: rows, columns: shown, detail: detail)
        // "  " + each column and its 4-character connector gap + "> " + the frame cell.
        return 2 + widths.reduce(0) { $0 + $1 + 4 } + 2 + frameCellWidth(rows: rows, columns: shown)
    }

    private func render(_ row: Row, widths: [Int], shown: Int, detail: Detail) -> String {
        var line = "  "
        var started = false
        for c in 0..<shown {
            if let e = row.entries[c] {
                let text = cell(e, detail)
                line += text + " " + String(repeating: "-", count: widths[c] - text.count + 3)
                started = true
            } else if started {
                line += String(repeating: "-", count: widths[c] + 4)
            } else {
                line += String(repeating: " ", count: widths[c] + 4)
            }
        }
        let run = picture.frames[row.frameRun]
        line += "> "
        line += row.continuation ? "\(run.kind.symbol) (same frames)" : frameCell(run, room: width - line.count)
        return cut(line, width)
    }

    private func heading() -> String {
        let names = picture.columns.map(\.name)
        var text = "draw: "
        if let zoom = picture.zoom, let first = names.first {
            text += "\(first), region \(zoom)"
        } else {
            text += names.isEmpty ? "no process" : Format.count(names.count, "process", "processes")
        }
        return text + "; \(picture.usedFrames) of \(Format.frames(picture.frameCount)) in use"
    }

    private func legend() -> String {
        var parts = picture.kindsPresent.map { "\($0.symbol) \($0.rawValue)" }
        parts.append(picture.kindsPresent.contains(.swap) ? "xN: mapcount (of a slot: swap count)" : "xN: mapcount")
        parts.append("entries: C copy-on-write, W writable, R read-only, "
                     + (picture.kindsPresent.contains(.swap) ? "S in swap, " : "") + "Np N pages")
        return "legend: " + parts.joined(separator: ", ")
    }

    /// `text` in lines of at most `width` columns, broken at spaces; later lines indented.
    private func wrapped(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = "  "
            }
            line += (line.isEmpty || line == "  " ? "" : " ") + word
        }
        if !line.isEmpty && line != "  " { lines.append(line) }
        return lines.map { cut($0, width) }
    }

    // MARK: - Text helpers

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    private func cut(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(max(n - 1, 0))) + "+" }

    private func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// Colours the frame symbol after `> ` and the entry marks (whole words `C`) of one line.
    private func paint(_ line: String) -> String {
        guard let arrow = line.firstRange(of: "> ") else { return line }
        var head = String(line[..<arrow.upperBound])
        let tail = String(line[arrow.upperBound...])
        head = head.replacing("p C ", with: "p \u{1B}[33mC\u{1B}[0m ")
        guard let symbol = tail.first, let kind = Picture.Kind.allCases.first(where: { $0.symbol == symbol }) else { return head + tail }
        return head + "\u{1B}[\(kind.sgr)m" + tail + ANSIColour.reset
    }
}
