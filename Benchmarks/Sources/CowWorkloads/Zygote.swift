import CowEngine

/// Workload 3, an Android-style zygote: one process maps 50 libraries (40,000 text pages in
/// all) and a 20,000-page heap, forks 200 children; each child reads all library text and
/// writes 1,000 heap pages; then all exit. The children stay alive until the end, so the
/// engine holds 200 full address spaces at its peak (about 12 million page-table entries).
public enum Zygote {
    public static let libraries = 50
    public static let textPagesPerLibrary = 800          // 50 * 800 = 40,000 text pages
    public static let dataPagesPerLibrary = 16           // never written: costs no frames
    public static let heapPages = 20_000
    public static let children = 200
    public static let pagesWrittenPerChild = 1_000

    /// Each library gets a 1,024-page slot from this vpn (0x400000 in bytes).
    public static let libraryBase = 0x400
    public static let librarySlot = 1_024

    /// Totals for reporting and checking.
    public struct Summary: Equatable, Sendable {
        public var framesUsedAtPeak: Int
        public var pageTableEntriesAtPeak: Int
        public var copies: Int
        /// malloc'd bytes the machine held at the peak (whole engine: frames, page tables, files).
        public var engineBytesAtPeak: Int
        /// Wall time of the workload itself, without the peak inspection (stats, usage).
        public var seconds: Double
    }

    /// Runs the whole workload on a fresh machine; returns its time and (when `inspect`) what
    /// the peak looked like. The inspection (stats, usage of 201 processes) is not timed.
    public static func run(inspect: Bool = true) throws -> Summary {
        let bytesBefore = Measure.allocatedBytes()
        let start = Measure.now()
        var machine = EngineWorkloads.quietMachine()
        let zygote = try machine.spawn(name: "zygote")
        let texts = try mapLibraries(&machine, zygote)
        try machine.mapAnonymous(
            zygote, at: EngineWorkloads.heapStart, pages: heapPages, permissions: [.read, .write],
            shared: false, name: "heap")
        try writeHeap(&machine, zygote, pages: 0..<heapPages, value: 1)
        try readAll(&machine, zygote, texts)

        var pids: [PID] = []
        for index in 0..<children {
            let child = try machine.fork(zygote, childName: "app\(index)")
            try readAll(&machine, child, texts)
            let first = (index % (heapPages / pagesWrittenPerChild)) * pagesWrittenPerChild
            try writeHeap(&machine, child, pages: first..<(first + pagesWrittenPerChild), value: Int64(index + 2))
            pids.append(child)
        }
        let beforeInspection = Measure.now()
        let engineBytes = Measure.allocatedBytes() - bytesBefore
        let stats = inspect ? machine.stats : MachineStats?.none
        let entries = inspect ? entryCount(machine, [zygote] + pids) : 0
        let afterInspection = Measure.now()
        for pid in pids {
            try machine.exit(pid)
        }
        try machine.exit(zygote)
        let seconds = (Measure.now() - start) - (afterInspection - beforeInspection)
        return Summary(
            framesUsedAtPeak: stats?.used ?? 0, pageTableEntriesAtPeak: entries, copies: stats?.copies ?? 0,
            engineBytesAtPeak: engineBytes, seconds: seconds)
    }

    /// Maps the 50 libraries into `pid`; returns each library's text range (vpns).
    static func mapLibraries(_ machine: inout Machine, _ pid: PID) throws -> [Range<Int>] {
        var texts: [Range<Int>] = []
        for index in 0..<libraries {
            let library = try machine.addLibrary(
                name: "lib\(index)", textPages: textPagesPerLibrary, dataPages: dataPagesPerLibrary, cached: true)
            let start = libraryBase + index * librarySlot
            try machine.mapLibrary(pid, library: library, at: start)
            texts.append(start..<(start + textPagesPerLibrary))
        }
        return texts
    }

    /// Reads every library text page (range reads, as a script's `read P A pages N` does).
    static func readAll(_ machine: inout Machine, _ pid: PID, _ texts: [Range<Int>]) throws {
        for text in texts {
            let result = try machine.read(pid, vpns: text)
            if result.killed != nil {
                throw WorkloadError.killed("text read by pid \(pid)")
            }
        }
    }

    static func writeHeap(_ machine: inout Machine, _ pid: PID, pages: Range<Int>, value: Int64) throws {
        let vpns = (EngineWorkloads.heapStart + pages.lowerBound)..<(EngineWorkloads.heapStart + pages.upperBound)
        guard case .value = try machine.write(pid, vpns: vpns, value: value) else {
            throw WorkloadError.killed("heap write by pid \(pid)")
        }
    }

    /// Present entries over all given processes, from their Rss (entries to the zero page
    /// are not counted; this workload maps none).
    static func entryCount(_ machine: Machine, _ pids: [PID]) -> Int {
        pids.reduce(0) { total, pid in total + (machine.usage(of: pid)?.rss ?? 0) }
    }
}
