import CowEngine

/// Engine memory per page, measured exactly as malloc'd bytes (not resident-set growth, which
/// depends on the allocator's caching): what a machine costs before anything happens, what each
/// resident page adds, what a fork adds, and what a forked child's entries cost once the child
/// has written every page (its page table can no longer be shared with the parent's).
public enum EngineMemory {
    public struct Result: Sendable {
        public var frames: Int
        public var pages: Int
        public var bytesPerConfiguredFrame: Double
        public var bytesPerResidentPage: Double
        public var bytesPerForkedEntry: Double
        public var bytesPerWrittenChildEntry: Double
        /// Bytes malloc'd after the machine's creation up to just after the fork, per entry of
        /// parent and child (2 x pages): entries, regions and page-table bookkeeping.
        public var bytesPerEntryAfterFork: Double = 0
    }

    public static func measure(pages: Int = 262_144, pageTables: PageTableLayout? = nil,
                               forkMode: ForkMode = .copyOnWrite) throws -> Result {
        let start = Measure.allocatedBytes()
        var machine = EngineWorkloads.quietMachine(pageTables: pageTables, forkMode: forkMode)
        let afterInit = Measure.allocatedBytes()
        let parent = try machine.spawn(name: "parent")
        try machine.mapAnonymous(
            parent, at: EngineWorkloads.heapStart, pages: pages, permissions: [.read, .write], shared: false,
            name: "heap")
        try EngineWorkloads.writeEach(&machine, parent, pages: pages, value: 1)
        let afterPopulate = Measure.allocatedBytes()
        let child = try machine.fork(parent, childName: "child")
        let afterFork = Measure.allocatedBytes()
        try EngineWorkloads.writeEach(&machine, child, pages: pages, value: 2)
        let afterChildWrites = Measure.allocatedBytes()
        try EngineWorkloads.verify(machine)
        withExtendedLifetime(machine) {}
        let frames = EngineWorkloads.frames
        let perPage = { (bytes: Int) in Double(bytes) / Double(pages) }
        return Result(
            frames: frames, pages: pages,
            bytesPerConfiguredFrame: Double(afterInit - start) / Double(frames),
            bytesPerResidentPage: perPage(afterPopulate - afterInit),
            bytesPerForkedEntry: perPage(afterFork - afterPopulate),
            bytesPerWrittenChildEntry: perPage(afterChildWrites - afterFork),
            bytesPerEntryAfterFork: Double(afterFork - afterInit) / Double(2 * pages))
    }
}
