/// A small text table: columns aligned left or right, two spaces between columns, no trailing
/// blanks. Every tabular output (dumps, smaps, stats, help) goes through it, so alignment rules
/// live in one place.
public struct TextTable: Sendable {
    /// Column alignment.
    public enum Alignment: Sendable { case left, right }

    /// A column: title and alignment.
    public struct Column: Sendable {
        /// Header text ("" for none).
        public var title: String
        /// How cells line up.
        public var alignment: Alignment
        /// A column from its parts.
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows (each as many cells as columns; missing cells are blank).
    public private(set) var rows: [[String]] = []
    /// Whether to print the header line.
    public var showsHeader: Bool
    /// Prefix of every line.
    public var indent: String

    /// A table with the given columns.
    public init(_ columns: [Column], showsHeader: Bool = true, indent: String = "") {
        self.columns = columns
        self.showsHeader = showsHeader
        self.indent = indent
    }

    /// Adds a row.
    public mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as lines.
    public func render() -> [String] { render(rowsWhere: { _ in true }) }

    /// The header (if shown) and the rows whose index `keep` accepts, with the column widths of
    /// the whole table (so the selection lines up with the full table).
    public func render(rowsWhere keep: (Int) -> Bool) -> [String] {
        var widths = columns.map { showsHeader ? $0.title.count : 0 }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        var lines: [String] = []
        if showsHeader { lines.append(line(columns.map(\.title), widths)) }
        for (i, row) in rows.enumerated() where keep(i) { lines.append(line(row, widths)) }
        return lines
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var parts: [String] = []
        for (i, column) in columns.enumerated() {
            let cell = i < cells.count ? cells[i] : ""
            let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
            parts.append(column.alignment == .left ? cell + pad : pad + cell)
        }
        var text = indent + parts.joined(separator: "  ")
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// Number and address formatting shared by all renderers.
public enum Format {
    /// `0x10000`.
    /// Written digit by digit into the string's own storage (addresses are printed for every
    /// event line, so this is on the hot path of large scripts); same text as `String(radix: 16)`.
    public static func hex(_ n: Int) -> String {
        let magnitude = n.magnitude
        var digits = 1
        var rest = magnitude >> 4
        while rest != 0 {
            digits += 1
            rest >>= 4
        }
        let sign = n < 0 ? 1 : 0
        let count = sign + 2 + digits
        return String(unsafeUninitializedCapacity: count) { buffer in
            if sign == 1 { buffer[0] = UInt8(ascii: "-") }
            buffer[sign] = UInt8(ascii: "0")
            buffer[sign + 1] = UInt8(ascii: "x")
            var value = magnitude
            var index = count - 1
            while index >= sign + 2 {
                let digit = UInt8(truncatingIfNeeded: value & 15)
                buffer[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                value >>= 4
                index -= 1
            }
            return count
        }
    }

    /// "1 page", "16 pages".
    public static func pages(_ n: Int) -> String { n == 1 ? "1 page" : "\(n) pages" }

    /// "1 frame", "3 frames".
    public static func frames(_ n: Int) -> String { n == 1 ? "1 frame" : "\(n) frames" }

    /// `singular` or `plural` by count, with the count: "1 fault", "2 faults".
    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        n == 1 ? "1 \(singular)" : "\(n) \(plural ?? singular + "s")"
    }

    /// "3", "0-63" (consecutive ascending), "3, 7, 9" (up to four), or "12 frames".
    public static func frameList(_ frames: [Int], noun: String = "frames") -> String {
        guard let first = frames.first, let last = frames.last else { return "no \(noun)" }
        if frames.count == 1 { return "\(first)" }
        var consecutive = true
        for i in 1..<frames.count where frames[i] != frames[i - 1] + 1 {
            consecutive = false
            break
        }
        if consecutive { return "\(first)-\(last)" }
        if frames.count <= 4 { return frames.map(String.init).joined(separator: ", ") }
        return "\(frames.count) different \(noun)"
    }
}
