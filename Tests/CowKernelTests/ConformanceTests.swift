import CowEngine
import CowKernel
import Testing

/// The L1-L5 figures of /work/shared/conformance/README.md (measured on Linux 6.18), reproduced
/// on the host kernel through the CowKernel API. Every expected figure is written by hand from
/// that README; nothing is computed by the code under test.
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(2)))
struct KernelConformanceTests {
    @Test func l1PrivateAnonymousParentAndChild() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 64, backing: .anonymous, permissions: .readWrite)
        let populate = try host.write(p, at: 0x10000, pages: 64, value: 1)
        #expect(populate.minorFaults == 64)
        #expect(try host.distinctFrames([(p, 0x10000, 64)]) == 64)
        #expect(try host.row(p) == Row(rss: 64, pss: 64, privateDirty: 64, anonymous: 64))

        let c = try host.fork(p, as: "C")
        #expect(host.faults(p) == 64 && host.faults(c) == 0)
        #expect(try host.row(p) == Row(rss: 64, pss: 32, sharedDirty: 64, anonymous: 64))
        #expect(try host.row(c) == Row(rss: 64, pss: 32, sharedDirty: 64, anonymous: 64))
        #expect(try host.distinctFrames([(p, 0x10000, 64), (c, 0x10000, 64)]) == 64)

        let childWrites = try host.write(c, at: 0x10000, pages: 8, value: 2)
        #expect(childWrites.minorFaults == 8 && childWrites.copies == 8)
        #expect(try host.row(p) == Row(rss: 64, pss: 36, sharedDirty: 56, privateDirty: 8, anonymous: 64))
        #expect(try host.row(c) == Row(rss: 64, pss: 36, sharedDirty: 56, privateDirty: 8, anonymous: 64))
        #expect(try host.distinctFrames([(p, 0x10000, 64), (c, 0x10000, 64)]) == 72)

        let parentWrites = try host.write(p, at: 0x18000, pages: 4, value: 3)
        #expect(parentWrites.minorFaults == 4 && parentWrites.copies == 4)
        #expect(try host.row(p) == Row(rss: 64, pss: 38, sharedDirty: 52, privateDirty: 12, anonymous: 64))
        #expect(try host.row(c) == Row(rss: 64, pss: 38, sharedDirty: 52, privateDirty: 12, anonymous: 64))
        #expect(try host.distinctFrames([(p, 0x10000, 64), (c, 0x10000, 64)]) == 76)

        try host.exit(c)
        #expect(host.exitState(c) == .exited)
        #expect(try host.row(p) == Row(rss: 64, pss: 64, privateDirty: 64, anonymous: 64))
        #expect(try host.distinctFrames([(p, 0x10000, 64)]) == 64)
        #expect(try host.exactPss(p, from: 0x10000, to: 0x50000) == Rational(64))
    }

    @Test func l2ReadsAfterForkShareForever() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 64, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x10000, pages: 64, value: 1)
        let c = try host.fork(p, as: "C")
        let shared = Row(rss: 64, pss: 32, sharedDirty: 64, anonymous: 64)
        #expect(try host.row(p) == shared && host.row(c) == shared)

        let childReads = try host.read(c, at: 0x10000, pages: 64)
        #expect(childReads.minorFaults == 0 && childReads.values == Array(repeating: 1, count: 64))
        let parentReads = try host.read(p, at: 0x10000, pages: 64)
        #expect(parentReads.minorFaults == 0)
        #expect(try host.row(p) == shared && host.row(c) == shared)
        #expect(try host.distinctFrames([(p, 0x10000, 64), (c, 0x10000, 64)]) == 64)
        #expect(try host.value(c, at: 0x4f000) == 1)
    }

    @Test func l3UntouchedMemoryAndTheZeroPage() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 64, backing: .anonymous, permissions: .readWrite)
        try host.map(p, at: 0x100000, pages: 32, backing: .anonymous, permissions: .readWrite)
        let reads = try host.read(p, at: 0x10000, pages: 64)
        #expect(reads.minorFaults == 64 && reads.values == Array(repeating: 0, count: 64))
        #expect(try host.row(p) == Row(rss: 0, pss: 0))
        let pages = try host.pages(p, at: 0x10000, count: 64)
        #expect(pages.allSatisfy { $0.present && $0.isZeroPage && $0.mapcount == 0 })
        #expect(try host.distinctFrames([(p, 0x10000, 64)]) == 0)

        let writes = try host.write(p, at: 0x10000, pages: 32, value: 9)
        #expect(writes.minorFaults == 32)
        #expect(try host.row(p) == Row(rss: 32, pss: 32, privateDirty: 32, anonymous: 32))
        #expect(try host.distinctFrames([(p, 0x10000, 64)]) == 32)

        let second = try host.write(p, at: 0x100000, pages: 32, value: 4)
        #expect(second.minorFaults == 32)
        let again = try host.read(p, at: 0x10000, pages: 64)
        #expect(again.minorFaults == 0)
        #expect(try host.value(p, at: 0x10000) == 9 && host.value(p, at: 0x30000) == 0)
    }

    @Test func l4LibraryLikeFile() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let lib = try host.createFile("lib", pages: 40, cached: true)
        let p = try host.spawn("P")
        try host.map(p, at: 0x400000, pages: 32, backing: .file(lib, offset: 0), permissions: .readExecute)
        try host.map(p, at: 0x420000, pages: 8, backing: .file(lib, offset: 32), permissions: .readWrite)
        let text = (start: UInt64(0x400000), pages: 32), data = (start: UInt64(0x420000), pages: 8)

        #expect(try host.read(p, at: text.start, pages: 32).minorFaults == 2)
        let dataWrites = try host.write(p, at: data.start, pages: 2, value: 5)
        #expect(dataWrites.minorFaults == 2 && dataWrites.copies == 2)
        #expect(try host.row(p, text.start, pages: text.pages) == Row(rss: 32, pss: 32, privateClean: 32))
        #expect(try host.row(p, data.start, pages: data.pages) == Row(rss: 2, pss: 2, privateDirty: 2, anonymous: 2))

        let c1 = try host.fork(p, as: "C1"), c2 = try host.fork(p, as: "C2"), c3 = try host.fork(p, as: "C3")
        #expect(try host.row(p, text.start, pages: text.pages) == Row(rss: 32, pss: 32, privateClean: 32))
        for child in [c1, c2, c3] {
            #expect(try host.row(child, text.start, pages: text.pages) == Row(rss: 0, pss: 0))
        }
        for process in [p, c1, c2, c3] {
            #expect(try host.row(process, data.start, pages: data.pages)
                == Row(rss: 2, pssFraction: Rational(1, 2)!, sharedDirty: 2, anonymous: 2))
        }

        for (child, page, value) in [(c1, UInt64(0), Int64(11)), (c2, 1, 12), (c3, 2, 13)] {
            #expect(try host.read(child, at: text.start, pages: 32).minorFaults == 2)
            let w = try host.write(child, at: data.start + page * 4096, pages: 1, value: value)
            #expect(w.minorFaults == 1 && w.copies == 1)
            #expect(host.faults(child) == 3 && host.copies(child) == 1)
        }
        for process in [p, c1, c2, c3] {
            #expect(try host.row(process, text.start, pages: text.pages) == Row(rss: 32, pss: 8, sharedClean: 32))
        }
        #expect(try host.pages(p, at: 0x400000, count: 1).first?.mapcount == 4)
        #expect(try host.pages(c3, at: 0x41f000, count: 1).first?.frame == host.pages(p, at: 0x41f000, count: 1).first?.frame)
        let everyone = [p, c1, c2, c3]
        #expect(try host.distinctFrames(everyone.map { ($0, text.start, text.pages) }) == 32)
        #expect(try host.distinctFrames(everyone.map { ($0, data.start, data.pages) }) == 5)
        #expect(try host.value(c1, at: 0x420000) == 11 && host.value(p, at: 0x420000) == 5)
        #expect(try host.value(c3, at: 0x421000) == 5)
    }

    @Test func l5SharedAnonymousMemory() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 64, backing: .anonymous, permissions: .readWrite, shared: true)
        #expect(try host.write(p, at: 0x10000, pages: 64, value: 1).minorFaults == 64)
        let c = try host.fork(p, as: "C")
        #expect(try host.row(p) == Row(rss: 64, pss: 64, privateDirty: 64))
        #expect(try host.row(c) == Row(rss: 0, pss: 0))

        let childWrites = try host.write(c, at: 0x10000, pages: 8, value: 2)
        #expect(childWrites.minorFaults == 8 && childWrites.copies == 0)
        #expect(try host.row(p) == Row(rss: 64, pss: 60, sharedDirty: 8, privateDirty: 56))
        #expect(try host.row(c) == Row(rss: 8, pss: 4, sharedDirty: 8))

        let parentReads = try host.read(p, at: 0x10000, pages: 8)
        #expect(parentReads.minorFaults == 0 && parentReads.values.last == 2)

        let childReads = try host.read(c, at: 0x10000, pages: 64)
        #expect(childReads.minorFaults == 4)
        #expect(try host.row(p) == Row(rss: 64, pss: 32, sharedDirty: 64))
        #expect(try host.row(c) == Row(rss: 64, pss: 32, sharedDirty: 64))
        #expect(try host.distinctFrames([(p, 0x10000, 64), (c, 0x10000, 64)]) == 64)
    }
}
