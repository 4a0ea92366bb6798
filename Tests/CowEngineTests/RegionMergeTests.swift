import Testing
@testable import CowEngine

/// Under `profile linux`, regions split by mprotect, mlock or madvise merge back with identical
/// neighbours, as Linux's vma_modify does (mm/vma.c): /proc/PID/maps shows one VMA again, and
/// mremap can resize it whole. The textbook profile keeps the pieces. Every expectation is worked
/// out by hand (and the region counts were checked against /proc/self/maps of Linux 6.18).
@Suite struct RegionMergeTests {
    /// The regions of `pid` as "name start-end rights".
    static func layout(_ m: Machine, _ pid: PID) -> [String] {
        m.process(pid)?.regions.map { "\($0.name) \($0.start)-\($0.end) \($0.permissions)" } ?? []
    }

    /// Maps 4 private rw pages `a` at 0x10 in a new process `p` and writes 1 to each (frames 0-3).
    static func writtenRegion(_ m: inout Machine) throws -> PID {
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "a")
        _ = try m.write(p, vpns: 0x10..<0x14, value: 1)
        return p
    }

    /// (a) The report's script: page 0x11 protected r, then rw again. Linux: one VMA
    /// 0x10000..0x14000, and mremap grows it to 8 pages in place (pages 0x14-0x17 empty).
    @Test func protectAndRestoreMergesAndMremapGrows() throws {
        var m = machine(.linux)
        let p = try Self.writtenRegion(&m)
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        try m.protect(p, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        expectConsistent(m)
        try m.mremapResize(p, at: 0x10, pages: 4, newPages: 8)
        #expect(Self.layout(m, p) == ["a 16-24 rw-"])
        #expect(m.usage(of: p, region: "a")?.rss == 4)
        #expect(try m.read(p, vpn: 0x11) == .value(1))
        #expect(try m.read(p, vpn: 0x16) == .value(0))
        expectConsistent(m)
    }

    /// (b) The textbook profile keeps the three pieces (and mremap of the whole 4 pages is
    /// refused: the range is not one region).
    @Test func textbookKeepsThePieces() throws {
        var m = machine(.textbook)
        let p = try Self.writtenRegion(&m)
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        try m.protect(p, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, p) == ["a 16-17 rw-", "a 17-18 rw-", "a 18-20 rw-"])
        #expect(throws: EngineError.notWholeRegion(pid: p, vpn: 0x10, region: "a", start: 0x10, pages: 1)) {
            try m.mremapResize(p, at: 0x10, pages: 4, newPages: 8)
        }
        expectConsistent(m)
    }

    /// (c) The middle page r and left so: three regions (rights differ). The whole range back
    /// to rw: the outer pieces keep their rights, the middle changes and merges with both.
    @Test func differentRightsStaySplitUntilRestored() throws {
        var m = machine(.linux)
        let p = try Self.writtenRegion(&m)
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        #expect(Self.layout(m, p) == ["a 16-17 rw-", "a 17-18 r--", "a 18-20 rw-"])
        expectConsistent(m)
        try m.protect(p, at: 0x10, pages: 4, permissions: rw)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        #expect(m.procs[p - 1].regionNames["a"] == 1)
        expectConsistent(m)
        // the middle page's entry lost write with r and is copy-on-write-free again: page 0x11's
        // frame is p's alone (exclusive), so writing it takes no copy
        #expect(try measured(&m, p) { _ = try $0.write(p, vpn: 0x11, value: 2) } == (0, 0))
    }

    /// (d) mlock of the middle page splits (locked differs); munlock merges back into one.
    @Test func mlockThenMunlockMerges() throws {
        var m = machine(.linux)
        let p = try Self.writtenRegion(&m)
        _ = try m.mlock(p, at: 0x11, pages: 1)
        #expect(m.process(p)?.regions.map(\.locked) == [false, true, false])
        try m.munlock(p, at: 0x11, pages: 1)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        #expect(m.process(p)?.regions.first?.locked == false)
        expectConsistent(m)
    }

    /// (e) madvise dontfork over pages 0x11-0x12 splits; `normal` (MADV_DOFORK here) merges
    /// back. So do random then normal (readahead hint), and hugepage then nohugepage does not
    /// (nohugepage is a hint of its own, unlike unset).
    @Test func forkAdviceAndHintsMergeBack() throws {
        var m = machine(.linux)
        let p = try Self.writtenRegion(&m)
        _ = try m.madvise(p, at: 0x11, pages: 2, advice: .dontfork)
        #expect(m.process(p)?.regions.map(\.advice) == [.normal, .dontFork, .normal])
        _ = try m.madvise(p, at: 0x11, pages: 2, advice: .normal)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        _ = try m.madvise(p, at: 0x12, pages: 1, advice: .wipeonfork)
        #expect(m.process(p)?.regions.count == 3)
        try m.advise(p, at: 0x12, pages: 1, advice: .normal)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        _ = try m.madvise(p, at: 0x13, pages: 1, advice: .random)
        #expect(m.process(p)?.regions.count == 2)
        _ = try m.madvise(p, at: 0x13, pages: 1, advice: .normal)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        _ = try m.madvise(p, at: 0x10, pages: 1, advice: .nohugepage)
        #expect(m.process(p)?.regions.map(\.hugePages) == [.nohugepage, .unset])
        expectConsistent(m)
        // a dontfork range is still left out of fork after the merge of its neighbours
        _ = try m.madvise(p, at: 0x11, pages: 3, advice: .dontfork)
        let c = try m.fork(p, childName: "c")
        #expect(Self.layout(m, c) == ["a 16-17 rw-"])
        expectConsistent(m)
    }

    /// (f) A private file mapping of pages 2-5 of f at 0x10 ("data"): pages 0x10 and 0x11
    /// written (private copies). Page 0x11 r: three pieces at file pages 2, 3, 4-5; back to rw:
    /// one region at file page 2 again, the copies and the file pages where they were. Two
    /// different mappings side by side with the same rights and contiguous file pages ("more",
    /// pages 6-7 at 0x14) stay two regions: their names differ.
    @Test func fileMappingMergesWithContiguousOffsetsButNotAcrossMappings() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 8, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 2, at: 0x10, pages: 4, permissions: rw, shared: false, name: "data")
        try m.mapFile(p, file: f, offset: 6, at: 0x14, pages: 2, permissions: rw, shared: false, name: "more")
        #expect(try m.write(p, vpn: 0x10, value: 7) == .value(7))
        #expect(try m.write(p, vpn: 0x11, value: 8) == .value(8))
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        #expect(m.process(p)?.regions.map(\.backing) == [.file(f, offset: 2), .file(f, offset: 3), .file(f, offset: 4),
                                                         .file(f, offset: 6)])
        try m.protect(p, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, p) == ["data 16-20 rw-", "more 20-22 rw-"])
        #expect(m.process(p)?.regions.map(\.backing) == [.file(f, offset: 2), .file(f, offset: 6)])
        expectConsistent(m)
        // both mappings changed at once and back: still two
        try m.protect(p, at: 0x10, pages: 6, permissions: [.read])
        try m.protect(p, at: 0x10, pages: 6, permissions: rw)
        #expect(Self.layout(m, p) == ["data 16-20 rw-", "more 20-22 rw-"])
        try expectValues(&m, p, 0x10..<0x14, [7, 8, 0, 0])
        expectConsistent(m)
        // two anonymous mappings side by side: not merged either
        try m.mapAnonymous(p, at: 0x20, pages: 2, permissions: rw, shared: false, name: "x")
        try m.mapAnonymous(p, at: 0x22, pages: 2, permissions: rw, shared: false, name: "y")
        try m.protect(p, at: 0x20, pages: 4, permissions: [.read])
        try m.protect(p, at: 0x20, pages: 4, permissions: rw)
        #expect(Array(Self.layout(m, p).suffix(2)) == ["x 32-34 rw-", "y 34-36 rw-"])
        expectConsistent(m)
    }

    /// (g) The parent writes `a` (frames 0-3) and protects page 0x11 r: three pieces sharing one
    /// anon_vma. After fork each of the child's three regions has its own anon_vma, and all
    /// three have anonymous pages: the child restoring rw keeps three regions (Linux 6.18: three
    /// VMAs in the child's maps), while the parent doing the same merges into one.
    @Test func forkedPiecesWithAnonymousPagesDoNotMergeInTheChild() throws {
        var m = machine(.linux)
        let p = try Self.writtenRegion(&m)
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        let c = try m.fork(p, childName: "c")
        try m.protect(c, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, c) == ["a 16-17 rw-", "a 17-18 rw-", "a 18-20 rw-"])
        try m.protect(p, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, p) == ["a 16-20 rw-"])
        expectConsistent(m)
        // a region the child splits after the fork shares the child's anon_vma: it merges
        try m.protect(c, at: 0x12, pages: 1, permissions: [.read])
        try m.protect(c, at: 0x12, pages: 1, permissions: rw)
        #expect(Self.layout(m, c) == ["a 16-17 rw-", "a 17-18 rw-", "a 18-20 rw-"])
        expectConsistent(m)
    }

    /// (g, continued) Pieces that had no anonymous page at fork: the child's have no anon_vma
    /// and merge (Linux 6.18: one VMA in the child).
    @Test func forkedPiecesWithoutAnonymousPagesMergeInTheChild() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "a")
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        let c = try m.fork(p, childName: "c")
        try m.protect(c, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, c) == ["a 16-20 rw-"])
        expectConsistent(m)
    }

    /// (h) Shared anonymous memory: 4 pages written (4 shmem frames). Split in three, the shmem
    /// object has 3 references; merged, 1 again. The child of a fork adds one; when both unmap
    /// everything, the object has none and its 4 frames are freed (0 used).
    @Test func shmemReferencesFollowSplitAndMerge() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: true, name: "shm")
        _ = try m.write(p, vpns: 0x10..<0x14, value: 3)
        #expect(m.shmemObjects[0].references == 1 && m.stats.used == 4)
        try m.protect(p, at: 0x11, pages: 1, permissions: [.read])
        #expect(m.shmemObjects[0].references == 3)
        try m.protect(p, at: 0x11, pages: 1, permissions: rw)
        #expect(Self.layout(m, p) == ["shm 16-20 rw-"])
        #expect(m.shmemObjects[0].references == 1)
        expectConsistent(m)
        let c = try m.fork(p, childName: "c")
        _ = try m.mlock(c, at: 0x12, pages: 1)
        #expect(m.shmemObjects[0].references == 4)
        try m.munlock(c, at: 0x12, pages: 1)
        #expect(m.shmemObjects[0].references == 2)
        expectConsistent(m)
        try m.unmap(p, at: 0x10, pages: 4)
        try m.unmap(c, at: 0x10, pages: 4)
        #expect(m.shmemObjects[0].references == 0 && m.stats.used == 0)
        expectConsistent(m)
    }

    /// (i) On-demand fork with x86-64 tables: P writes 8 pages (one leaf table), forks C, which
    /// shares the table. C protects pages 2-3 r (its table is copied first: 1 copied), then rw:
    /// one region again in C; P does the same on its own. check() holds after every step; C's
    /// write to page 2 still copies (the page is P's too) and P keeps reading 1.
    @Test func onDemandForkChildProtectsAndRestores() throws {
        var m = OnDemandForkTests.machine(.onDemand, profile: .linux)
        let far = OnDemandForkTests.far
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 8, process: "P")
        let c = try m.fork(p, childName: "C")
        #expect(m.sharedPageTablePages(of: c) == 1)
        try m.protect(c, at: far + 2, pages: 2, permissions: [.read])
        #expect(m.check() == [])
        #expect(m.onDemandForkCounts.copied == 1)
        try m.protect(c, at: far + 2, pages: 2, permissions: rw)
        #expect(m.process(c)?.regions.map { "\($0.start - far)-\($0.end - far)" } == ["0-8"])
        #expect(m.check() == [])
        try m.protect(p, at: far + 2, pages: 2, permissions: [.read])
        try m.protect(p, at: far, pages: 8, permissions: rw)
        #expect(m.process(p)?.regions.count == 1)
        #expect(m.check() == [])
        #expect(try measured(&m, c) { _ = try $0.write(c, vpn: far + 2, value: 5) } == (1, 1))
        #expect(try m.read(p, vpn: far + 2) == .value(1))
        #expect(m.check() == [])
    }

    /// (i, continued) madvise and mlock under a shared table: P's written heap is made r (whole,
    /// no split), then P forks C and D, all three sharing the leaf table. C splits and merges it
    /// with dontfork / normal (madvise copies C's table first: 1 copied). P then mlocks page 4:
    /// its entry is present and needs no fault, so no entry changes and P keeps sharing the
    /// table with D while its region splits and (munlock) merges again; check() holds.
    @Test func onDemandForkAdviceAndLockUnderSharedTable() throws {
        var m = OnDemandForkTests.machine(.onDemand, profile: .linux)
        let far = OnDemandForkTests.far
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 8, process: "P")
        try m.protect(p, at: far, pages: 8, permissions: [.read])
        let c = try m.fork(p, childName: "C")
        _ = try m.fork(p, childName: "D")
        _ = try m.madvise(c, at: far + 1, pages: 2, advice: .dontfork)
        #expect(m.process(c)?.regions.count == 3)
        _ = try m.madvise(c, at: far + 1, pages: 2, advice: .normal)
        #expect(m.process(c)?.regions.count == 1)
        #expect(m.onDemandForkCounts.copied == 1)
        #expect(m.check() == [])
        #expect(try m.mlock(p, at: far + 4, pages: 1).faults == 0)
        #expect(m.process(p)?.regions.count == 3 && m.sharedPageTablePages(of: p) == 1)
        #expect(m.check() == [])
        try m.munlock(p, at: far + 4, pages: 1)
        #expect(m.process(p)?.regions.count == 1 && m.sharedPageTablePages(of: p) == 1)
        #expect(m.check() == [])
    }
}
