import CowLanguage

/// Workload 4: the interpreter at scale. The same simulated work (one write to each of
/// 1,000,000 fresh pages) written as 1,000,000 single-page `write` lines, or as a few range
/// `write` commands. The script text is generated in memory; output goes to a sink that
/// discards it, so the figure is parsing + interpreting (+ rendering events), not terminal I/O.
public enum ScriptWorkloads {
    public static let pages = 1_000_000
    public static let rangeCommands = 4
    /// Byte address of the heap (page-aligned, 4 KiB pages).
    public static let heapAddress = 0x1000_0000
    public static let pageSize = 4096

    /// Set-up lines shared by both forms.
    static func prologue(pages: Int) -> String {
        """
        config frames \(pages + pages / 16 + 1)
        profile linux
        spawn p
        map p anon \(hex(heapAddress)) pages \(pages) rw as heap

        """
    }

    /// 1,000,000 lines `write p 0x... 1`, one page each.
    public static func singlePageScript(pages: Int = pages) -> String {
        var text = prologue(pages: pages)
        text.reserveCapacity(text.utf8.count + pages * 24)
        for page in 0..<pages {
            text += "write p "
            text += hex(heapAddress + page * pageSize)
            text += " 1\n"
        }
        return text
    }

    /// The same work as `rangeCommands` commands `write p ADDR pages N 1`.
    public static func rangeScript(pages: Int = pages) -> String {
        var text = prologue(pages: pages)
        let chunk = pages / rangeCommands
        for index in 0..<rangeCommands {
            let first = index * chunk
            let count = index == rangeCommands - 1 ? pages - first : chunk
            text += "write p \(hex(heapAddress + first * pageSize)) pages \(count) 1\n"
        }
        return text
    }

    /// Runs `source` in a fresh session whose output is discarded; throws if the script failed.
    public static func run(_ source: String, name: String) throws {
        let session = Session(options: SessionOptions(), output: DiscardSink())
        guard session.run(source: source, fileName: name) else {
            throw WorkloadError.scriptFailed(name)
        }
    }

    static func hex(_ value: Int) -> String {
        "0x" + String(value, radix: 16)
    }
}

/// An output sink that throws everything away (counts characters so the work is not elided).
public final class DiscardSink: OutputSink {
    public private(set) var characters = 0
    public init() {}
    public func write(_ text: String, style: OutputStyle) {
        characters &+= text.utf8.count
    }
    /// Event lines arrive as bytes (what `StandardOutputSink` does with them costs about the same).
    public func write(utf8 text: UnsafeBufferPointer<UInt8>, style: OutputStyle) {
        characters &+= text.count
    }
}
