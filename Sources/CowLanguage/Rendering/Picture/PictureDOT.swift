/// The Graphviz renderer of a `Picture` (`draw ... to FILE.dot`; `dot -Tpng FILE.dot -o FILE.png`
/// draws it): a cluster per process with a node per entry run, a cluster of frame runs, an edge
/// per connector, and a legend node. Same kinds, symbols and colours as the SVG.
public struct PictureDOT {
    /// The picture.
    public var picture: Picture

    public init(_ picture: Picture) { self.picture = picture }

    /// The DOT text.
    public func document() -> String {
        let p = picture
        var s = "// cowsim draw: render with `dot -Tpng FILE.dot -o FILE.png`\n"
        s += "digraph cowsim {\n"
        s += "  rankdir=LR;\n  nodesep=0.15;\n  ranksep=1.6;\n"
        s += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"monospace\", fontsize=14];\n"
        s += "  edge [penwidth=1.6];\n"
        for (c, column) in p.columns.enumerated() {
            s += "  subgraph cluster_p\(c) {\n    label=\(quoted("\(column.name) (pid \(column.pid))"));\n    fontname=\"monospace\";\n    fontsize=16;\n"
            for (k, e) in column.entries.enumerated() {
                let label = "\(e.mark) \(e.region) \(p.address(e)) \(Format.pages(e.pages))"
                let style = e.copyOnWrite ? ", style=\"rounded,filled,dashed\", fillcolor=\"#fff4d6\"" : ""
                s += "    e\(c)_\(k) [label=\(quoted(label))\(style)];\n"
            }
            s += "  }\n"
        }
        s += "  subgraph cluster_frames {\n    label=\"\(p.kindsPresent.contains(.swap) ? "frames and swap slots" : "physical frames")\";\n    fontname=\"monospace\";\n    fontsize=16;\n"
        for (k, run) in p.frames.enumerated() {
            let label = "\(run.kind.symbol) \(run.label)" + (run.mapcount > 1 ? " x\(run.mapcount)" : "") + " \(run.content)"
            s += "    f\(k) [label=\(quoted(label)), fillcolor=\"\(run.kind.fill)\", color=\"\(run.kind.stroke)\"];\n"
        }
        s += "  }\n"
        for (c, column) in p.columns.enumerated() {
            for (k, e) in column.entries.enumerated() {
                let run = p.frames[e.frameRun]
                s += "  e\(c)_\(k) -> f\(e.frameRun) [color=\"\(run.kind.stroke)\"\(run.mapcount > 1 ? ", penwidth=2.4" : "")];\n"
            }
        }
        var legend = Picture.Kind.allCases.map { "\($0.symbol) \($0.explanation)" }
        legend.append("C copy-on-write entry, W writable, R read-only" + (p.kindsPresent.contains(.swap) ? ", S in swap (xN: swap count)" : ""))
        legend += p.notes.map { "left out: " + $0 }
        s += "  legend [shape=note, style=filled, fillcolor=\"#fafafa\", label=\(quoted("legend\\l" + legend.map { escaped($0) + "\\l" }.joined(), raw: true))];\n"
        s += "}\n"
        return s
    }

    /// A DOT string literal: quotes and backslashes escaped, control characters as `\u{HEX}`.
    private func quoted(_ text: String, raw: Bool = false) -> String {
        "\"" + (raw ? text : escaped(text)) + "\""
    }

    private func escaped(_ text: String) -> String {
        var out = ""
        for ch in TerminalText.escaped(text, keepingNewlines: false) {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.append(ch)
            }
        }
        return out
    }
}
