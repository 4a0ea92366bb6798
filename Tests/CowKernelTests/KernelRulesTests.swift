import CowEngine
import CowKernel
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The kernel rules 10-19 of the conformance README, each reproduced on the host kernel with
/// the README's hand-written figures; plus deaths, collisions and clean-up.
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(2)))
struct KernelRulesTests {
    @Test func rule8SmapsPssIsFixedPoint() throws {
        // 16 pages of mapcount 2 and 48 of mapcount 3: exact 24 pages (96 kB), printed as 95 kB.
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 64, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x10000, pages: 64, value: 1)
        let c1 = try host.fork(p, as: "C1")
        _ = try host.fork(p, as: "C2")
        _ = try host.write(c1, at: 0x10000, pages: 16, value: 2)  // P's first 16 pages: mapcount 2
        #expect(try host.smaps(p, from: 0x10000, to: 0x50000).pss == 95)
        #expect(try host.exactPss(p, from: 0x10000, to: 0x50000) == Rational(24))
    }

    @Test func rule10MprotectMakesOnlyExclusivePagesWritable() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 2, backing: .anonymous, permissions: .readWrite)
        try host.map(p, at: 0x200000, pages: 2, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x10000, pages: 2, value: 1)
        try host.protect(p, at: 0x10000, pages: 2, .read)
        try host.protect(p, at: 0x10000, pages: 2, .readWrite)
        #expect(try host.write(p, at: 0x10000, pages: 2, value: 2).minorFaults == 0)

        _ = try host.write(p, at: 0x200000, pages: 2, value: 1)
        let c = try host.fork(p, as: "C")
        try host.exit(c)
        try host.protect(p, at: 0x200000, pages: 2, .read)
        try host.protect(p, at: 0x200000, pages: 2, .readWrite)
        let again = try host.write(p, at: 0x200000, pages: 2, value: 2)
        #expect(again.minorFaults == 2 && again.copies == 0 && again.reuses == 2)
    }

    @Test func rule13WriteNotificationOnSharedFileMappings() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 16, cached: true)
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 16, backing: .file(f, offset: 0), permissions: .readWrite, shared: true)
        #expect(try host.read(p, at: 0x10000, pages: 16).minorFaults == 1)
        let first = try host.write(p, at: 0x10000, pages: 1, value: 3)
        #expect(first.minorFaults == 1 && first.copies == 0)
        #expect(try host.row(p).privateDirty == 1)
        try host.msync(p, at: 0x10000, pages: 16)
        #expect(try host.row(p) == Row(rss: 16, pss: 16, privateClean: 16))
        #expect(try host.write(p, at: 0x10000, pages: 1, value: 4).minorFaults == 1)
    }

    @Test func rule14ReadaheadAndMadvRandom() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 32, cached: false)
        let g = try host.createFile("g", pages: 32, cached: false)
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 32, backing: .file(f, offset: 0), permissions: .read)
        try host.map(p, at: 0x200000, pages: 32, backing: .file(g, offset: 0), permissions: .read)
        let whole = try host.read(p, at: 0x10000, pages: 32)
        #expect(whole.majorFaults == 1 && whole.minorFaults == 1)
        try host.advise(p, at: 0x200000, pages: 32, .random)
        let random = try host.read(p, at: 0x200000, pages: 32)
        #expect(random.majorFaults == 32 && random.minorFaults == 0)
    }

    @Test func rule15MappingPastTheEndOfItsFile() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 4, contents: [10, 11, 12, 13], cached: true)
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 8, backing: .file(f, offset: 0), permissions: .read)
        let read = try host.read(p, at: 0x10000, pages: 4)
        #expect(read.values == [10, 11, 12, 13] && read.minorFaults == 1)
        #expect(try host.smaps(p, from: 0x10000, to: 0x18000).size == 32)
        let past = try host.read(p, at: 0x15000, pages: 1)
        #expect(past.killedBy == SIGBUS)
        #expect(host.exitState(p) == .killed(signal: SIGBUS, address: 0x15000))
        #expect(throws: KernelError.noProcess("P")) { try host.read(p, at: 0x10000, pages: 1) }
    }

    @Test func rule16DontneedAndMremap() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 8, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x10000, pages: 8, value: 1)
        let c = try host.fork(p, as: "C")
        try host.advise(p, at: 0x10000, pages: 8, .dontNeed)
        #expect(try host.row(c) == Row(rss: 8, pss: 8, privateDirty: 8, anonymous: 8))
        let reread = try host.read(p, at: 0x10000, pages: 8)
        #expect(reread.values == Array(repeating: 0, count: 8) && reread.minorFaults == 8)
        #expect(try host.pages(p, at: 0x10000, count: 8).allSatisfy(\.isZeroPage))

        let before = try host.pages(c, at: 0x10000, count: 8)
        try host.mremap(c, at: 0x10000, pages: 8, to: 0x400000, newPages: 8)
        let after = try host.pages(c, at: 0x400000, count: 8)
        #expect(after.map(\.frame) == before.map(\.frame) && after.map(\.mapcount) == before.map(\.mapcount))
        let moved = try host.read(c, at: 0x400000, pages: 8)
        #expect(moved.minorFaults == 0 && moved.values == Array(repeating: 1, count: 8))
        #expect(try host.row(c) == Row(rss: 8, pss: 8, privateDirty: 8, anonymous: 8))
    }

    @Test func rule17TransparentHugePages() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x4000_0000, pages: 512, backing: .anonymous, permissions: .readWrite, hugePages: true)
        #expect(try host.write(p, at: 0x4000_0000, pages: 1, value: 1).minorFaults == 1)
        #expect(try host.smaps(p, from: 0x4000_0000, to: 0x4020_0000).anonHugePages == 2048)
        let c = try host.fork(p, as: "C")
        let split = try host.write(c, at: 0x4000_0000, pages: 1, value: 2)
        #expect(split.minorFaults == 1 && split.copies == 1)
        #expect(try host.distinctFrames([(p, 0x4000_0000, 512), (c, 0x4000_0000, 512)]) == 513)
    }

    @Test func rule19PageTablesCostMemory() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        let base = try host.vmPTE(p)
        try host.map(p, at: 0x1000_0000_0000, pages: 1, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x1000_0000_0000, pages: 1, value: 1)
        #expect(try host.vmPTE(p) - base == 12)
        try host.map(p, at: 0x2000_0000_0000, pages: 513, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x2000_0000_0000, pages: 513, value: 1)
        #expect(try host.vmPTE(p) - base == 12 + 16)
    }

    @Test func deathsBySignal() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 4, backing: .anonymous, permissions: .read)
        let c = try host.fork(p, as: "C")
        let write = try host.write(c, at: 0x10000, pages: 1, value: 1)
        #expect(write.killedBy == SIGSEGV && host.exitState(c) == .killed(signal: SIGSEGV, address: 0x10000))
        #expect(host.exitState(p) == .running)
        try host.protect(p, at: 0x10000, pages: 4, .none)
        #expect(try host.read(p, at: 0x12000, pages: 1).killedBy == SIGSEGV)
        #expect(throws: KernelError.noProcess("P")) { try host.write(p, at: 0x10000, pages: 1, value: 1) }
    }

    @Test func execAndVforkExecStartEmpty() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 4, backing: .anonymous, permissions: .readWrite)
        _ = try host.write(p, at: 0x10000, pages: 4, value: 1)
        let c = try host.vforkExec(p, as: "C")
        #expect(c.pid != p.pid)
        #expect(try host.smaps(c).isEmpty)
        try host.map(c, at: 0x10000, pages: 4, backing: .anonymous, permissions: .readWrite)
        #expect(try host.read(c, at: 0x10000, pages: 4).values == [0, 0, 0, 0])
        try host.exec(p)
        #expect(try host.smaps(p).isEmpty && host.exitState(p) == .running)
        try host.map(p, at: 0x10000, pages: 1, backing: .anonymous, permissions: .readWrite)
        #expect(try host.write(p, at: 0x10000, pages: 1, value: 5).minorFaults == 1)
    }

    @Test func mappingOverAnExistingMappingIsRefused() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 4, backing: .anonymous, permissions: .readWrite)
        #expect(throws: KernelError.self) {
            try host.map(p, at: 0x12000, pages: 4, backing: .anonymous, permissions: .readWrite)
        }
        _ = try host.write(p, at: 0x10000, pages: 4, value: 1)
        #expect(try host.read(p, at: 0x10000, pages: 4).values == [1, 1, 1, 1])
    }

    @Test func valueNeverFaults() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 2, backing: .anonymous, permissions: .readWrite)
        #expect(try host.value(p, at: 0x10000) == nil)
        #expect(try host.pages(p, at: 0x10000, count: 2).allSatisfy { !$0.present })
        #expect(try host.read(p, at: 0x10000, pages: 1).minorFaults == 1)
        #expect(try host.value(p, at: 0x10000) == 0 && host.value(p, at: 0x11000) == nil)
        _ = try host.write(p, at: 0x11000, pages: 1, value: -7)
        #expect(try host.value(p, at: 0x11000) == -7)
        #expect(host.faults(p) == 2)
    }

    @Test func dropCacheEvictsOnlyTheScriptsUnmappedPages() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let f = try host.createFile("f", pages: 16, cached: true)
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 16, backing: .file(f, offset: 0), permissions: .read)
        #expect(try host.read(p, at: 0x10000, pages: 16).majorFaults == 0)
        try host.unmap(p, at: 0x10000, pages: 16)
        try host.dropCaches()
        try host.map(p, at: 0x10000, pages: 16, backing: .file(f, offset: 0), permissions: .read)
        #expect(try host.read(p, at: 0x10000, pages: 16).majorFaults == 1)
    }

    @Test func shutdownKillsEveryParticipantAndRemovesTheFolder() throws {
        let host = try makeHost()
        let p = try host.spawn("P")
        let c = try host.fork(p, as: "C")
        _ = try host.createFile("f", pages: 2, cached: true)
        let folder = host.folder
        #expect(access(folder, F_OK) == 0)
        host.shutdown()
        #expect(access(folder, F_OK) != 0)
        for pid in [p.pid, c.pid] {
            #expect(kill(pid, 0) != 0 && errno == ESRCH, "pid \(pid) still there")
        }
    }
}

/// The unprivileged path: participants run as nobody, so the kernel hides page frames from them.
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root (to become nobody)"), .timeLimit(.minutes(1)))
struct KernelUnprivilegedTests {
    @Test func frameFiguresNeedRootTheRestWorks() throws {
        let host = try makeHost(runAs: (uid: 65534, gid: 65534))
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 8, backing: .anonymous, permissions: .readWrite)
        let w = try host.write(p, at: 0x10000, pages: 8, value: 3)
        #expect(w.minorFaults == 8)
        #expect(w.copies == nil && w.reuses == nil)
        #expect(throws: KernelError.needsRoot("frame() and mapcount()")) { try host.pages(p, at: 0x10000, count: 8) }
        #expect(throws: KernelError.needsRoot("frame() and mapcount()")) { try host.exactPss(p, from: 0x10000, to: 0x18000) }
        let c = try host.fork(p, as: "C")
        #expect(try host.row(c) == Row(rss: 8, pss: 4, sharedDirty: 8, anonymous: 8))
        #expect(try host.read(c, at: 0x10000, pages: 8).values == Array(repeating: 3, count: 8))
        #expect(KernelError.needsRoot("frame()").description.contains("needs root"))
    }

    /// Issue 11 on the host kernel, figures by hand. MADV_POPULATE_WRITE (what `map ... populate`
    /// does for private writable memory) on 4 pages: 4 faults counted as the process's own, 16 kB
    /// Private_Dirty. mlock after fork: 4 write faults that copy (COW broken), Locked 16 kB; C's
    /// pages are then its own. mremap in place: shrink to 2 pages (Rss 8 kB), grow to 6 locked
    /// pages: 4 more faults (mm_populate of a VM_LOCKED mapping), Locked 24 kB.
    @Test func issue11PopulateMlockAndResize() throws {
        let host = try makeHost()
        defer { host.shutdown() }
        let p = try host.spawn("P")
        try host.map(p, at: 0x10000, pages: 4, backing: .anonymous, permissions: .readWrite)
        #expect(try host.populate(p, at: 0x10000, pages: 4, write: true).minorFaults == 4)
        #expect(try host.row(p) == Row(rss: 4, pss: 4, privateDirty: 4, anonymous: 4))
        let c = try host.fork(p, as: "C")
        let locked = try host.mlock(p, at: 0x10000, pages: 4, lock: true)
        #expect(locked.minorFaults == 4 && locked.copies == 4)
        #expect(try host.smaps(p, from: 0x10000, to: 0x14000).locked == 16)
        #expect(try host.row(c) == Row(rss: 4, pss: 4, privateDirty: 4, anonymous: 4))
        try host.mremap(p, at: 0x10000, pages: 4, to: nil, newPages: 2)
        #expect(try host.row(p).rss == 2)
        let grown = try host.mremap(p, at: 0x10000, pages: 2, to: nil, newPages: 6)
        #expect(grown.minorFaults == 4)
        #expect(try host.smaps(p, from: 0x10000, to: 0x16000).locked == 24)
        try host.mlock(p, at: 0x10000, pages: 6, lock: false)
        #expect(try host.smaps(p, from: 0x10000, to: 0x16000).locked == 0)
    }
}
