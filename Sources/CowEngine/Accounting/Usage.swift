/// Memory use of a process or a region, like one block of /proc/PID/smaps. In pages, except Pss
/// which is exact (sum over pages of 1/mapcount).
public struct Usage: Equatable, Sendable {
    /// Resident pages (the zero page is not counted, as in Linux).
    public var rss: Int
    /// Unique set size: pages nobody else maps (= privateClean + privateDirty).
    public var uss: Int
    /// Pages with mapcount >= 2 (rule 5: Shared depends only on the current mapcount), clean.
    public var sharedClean: Int
    /// Pages with mapcount >= 2 whose entry or page is dirty.
    public var sharedDirty: Int
    /// Pages with mapcount 1, clean.
    public var privateClean: Int
    /// Pages with mapcount 1 whose entry or page is dirty.
    public var privateDirty: Int
    /// Private anonymous pages, including private copies of file pages (not shmem).
    public var anonymous: Int
    /// Swap entries (pages of this mapping that are in swap; 0 without swap).
    public var swap: Int
    /// Pages mapped by transparent huge pages (smaps AnonHugePages, in pages: 512 per huge
    /// mapping; rule 17).
    public var anonHugePages: Int = 0
    /// Proportional swap: the sum over swap entries of 1 / the swap count of their slot (a page
    /// swapped out while three processes shared it counts 1/3 in each), as smaps' SwapPss.
    public var swapPss: Rational = .zero
    /// SwapPss as Linux keeps it: the sum over swap entries of `(pageSize << 12) / swap count`.
    public var swapPssFixed = FixedPointSum()
    /// Proportional set size.
    public var pss: Rational
    /// Pss of the dirty pages only (smaps_rollup's Pss_Dirty), exact.
    public var pssDirty: Rational = .zero
    /// Pss_Dirty in fixed point as the kernel sums it (rule 8): `(pageSize << 12) / mapcount` per
    /// dirty page; smaps_rollup prints it `>> 22` kB.
    public var pssDirtyFixed = FixedPointSum()
    /// Pss of the mlock'd regions (smaps `Locked`, the kernel's pss_locked), exact.
    public var lockedPss: Rational = .zero
    /// `lockedPss` in fixed point (rule 8).
    public var lockedPssFixed = FixedPointSum()
    /// Pss of each region summed into this usage, in address order (what `pssKiB` truncates).
    public var regionPss: [Rational]
    /// Pss as Linux keeps it (conformance rule 8): the sum over resident pages of
    /// `(pageSize << 12) / mapcount` (integer division), in bytes << 12, VMA by VMA.
    public var pssFixed = FixedPointSum()
    /// `pssFixed`'s total.
    public var pssFixedPoint: Int {
        get { pssFixed.total }
        set { pssFixed.total = newValue }
    }

    /// Any figures; all default to zero (which is also the usage of a dead process).
    public init(rss: Int = 0, uss: Int = 0, sharedClean: Int = 0, sharedDirty: Int = 0, privateClean: Int = 0,
                privateDirty: Int = 0, anonymous: Int = 0, swap: Int = 0, pss: Rational = .zero,
                regionPss: [Rational] = []) {
        self.rss = rss
        self.uss = uss
        self.sharedClean = sharedClean
        self.sharedDirty = sharedDirty
        self.privateClean = privateClean
        self.privateDirty = privateDirty
        self.anonymous = anonymous
        self.swap = swap
        self.pss = pss
        self.regionPss = regionPss
    }

    /// Equal when every smaps figure is equal; how Pss splits over regions (`regionPss`) is
    /// ignored, so a hand-written `Usage(rss:pss:...)` compares equal to a computed one.
    public static func == (a: Usage, b: Usage) -> Bool {
        a.rss == b.rss && a.uss == b.uss && a.sharedClean == b.sharedClean && a.sharedDirty == b.sharedDirty
            && a.privateClean == b.privateClean && a.privateDirty == b.privateDirty && a.anonymous == b.anonymous
            && a.swap == b.swap && a.pss == b.pss && a.swapPss == b.swapPss && a.anonHugePages == b.anonHugePages
    }

    /// Adds another region's usage: the regions of a process, or the parts of a region that
    /// `protect` or `advise` split. Pss stays exact unless the sum overflows; then it is the
    /// nearest millionth (Pss never exceeds the page count, so that is far below one page).
    public mutating func add(_ part: Usage) { add(part, sameVMAAsLast: false) }

    /// Adds a part; `sameVMAAsLast` when the part continues the last one added as one VMA (the
    /// kernel merged them back, e.g. after `protect` restored the rights), so smaps shifts
    /// their fixed-point Pss as one sum (rule 8).
    public mutating func add(_ part: Usage, sameVMAAsLast: Bool) {
        rss += part.rss
        uss += part.uss
        sharedClean += part.sharedClean
        sharedDirty += part.sharedDirty
        privateClean += part.privateClean
        privateDirty += part.privateDirty
        anonymous += part.anonymous
        swap += part.swap
        anonHugePages += part.anonHugePages
        swapPss = swapPss.adding(part.swapPss) ?? Rational(approximating: swapPss.doubleValue + part.swapPss.doubleValue)
        swapPssFixed.add(part.swapPssFixed, sameVMAAsLast: sameVMAAsLast)
        pss = pss.adding(part.pss) ?? Rational(approximating: pss.doubleValue + part.pss.doubleValue)
        addLockedAndDirty(part, sameVMAAsLast: sameVMAAsLast)
        regionPss.append(part.pss)
        pssFixed.add(part.pssFixed, sameVMAAsLast: sameVMAAsLast)
    }

    /// Pss in kB as `/proc/PID/smaps` prints it under the `linux` profile (rule 8): each part's
    /// (VMA's) fixed-point sum shifted right by 22 (12 bits of fraction, bytes to kB), then the
    /// parts' kB added. 16 pages of mapcount 2 and 48 of mapcount 3 print 95, not 96.
    public var smapsPssKiB: Int { pssFixed.smapsKiB }

    /// Pss in kB as `/proc/PID/smaps_rollup` prints it (rule 8): all parts' fixed-point sums
    /// added first, shifted once. The `total` row of `smaps` under `linux`.
    public var rollupPssKiB: Int { pssFixed.rollupKiB }

    /// Pss in KiB as Linux prints it: truncated to whole KiB per region, then summed
    /// (64/3 pages of 4 KiB show as 85 kB, not 85.33).
    public func pssKiB(pageSize: Int) -> Int {
        let parts = regionPss.isEmpty ? [pss] : regionPss
        let scale = Rational(pageSize, 1024)
        var total = 0
        for p in parts {
            if let scale, let kib = p.multiplied(by: scale) {
                total += kib.truncated()
            } else {
                total += Int(p.doubleValue * Double(pageSize) / 1024)
            }
        }
        return total
    }
}

extension Usage {
    /// Adds a part's Pss_Dirty and Locked (as `add` does Pss).
    mutating func addLockedAndDirty(_ part: Usage, sameVMAAsLast: Bool) {
        pssDirty = pssDirty.adding(part.pssDirty) ?? Rational(approximating: pssDirty.doubleValue + part.pssDirty.doubleValue)
        pssDirtyFixed.add(part.pssDirtyFixed, sameVMAAsLast: sameVMAAsLast)
        lockedPss = lockedPss.adding(part.lockedPss) ?? Rational(approximating: lockedPss.doubleValue + part.lockedPss.doubleValue)
        lockedPssFixed.add(part.lockedPssFixed, sameVMAAsLast: sameVMAAsLast)
    }

    /// Locked in kB as smaps prints it under `linux` (rule 8: each VMA's fixed-point sum `>> 22`).
    public var smapsLockedKiB: Int { lockedPssFixed.smapsKiB }

    /// Locked in kB as smaps_rollup prints it (all fixed-point sums added, shifted once).
    public var rollupLockedKiB: Int { lockedPssFixed.rollupKiB }

    /// Pss_Dirty in kB as smaps_rollup prints it.
    public var rollupPssDirtyKiB: Int { pssDirtyFixed.rollupKiB }
}

/// Machine-wide figures for the status line and `stats`.
public struct MachineStats: Equatable, Sendable {
    /// Allocatable frames.
    public var frames: Int
    /// Frames holding something.
    public var used: Int
    /// Frames on the free list.
    public var free: Int
    /// Used frames holding private anonymous memory (anonymous + pageCache == used).
    public var anonymous: Int
    /// Used frames in the page cache, shmem frames included.
    public var pageCache: Int
    /// Frames of shared anonymous memory (part of pageCache, as Linux counts Shmem in Cached).
    public var shmem: Int
    /// Entries pointing at the shared zero page (which itself is not a counted frame).
    public var zeroPageMappings: Int
    /// Live processes (running or suspended).
    public var processes: Int
    /// Minor faults of all processes ever, dead ones included.
    public var minorFaults: Int
    /// Major faults (page read from disk) of all processes ever.
    public var majorFaults: Int
    /// Copy-on-write copies of all processes ever.
    public var copies: Int
    /// Copy-on-write reuses of all processes ever.
    public var reuses: Int
    /// Frames sharing saves: sum over live address spaces of Rss minus the distinct frames they
    /// map (a vfork child borrows its parent's space and is not counted twice).
    public var savedBySharing: Int
    /// Pages of swap configured (0: no swap).
    public var swapSlots: Int = 0
    /// Swap slots in use.
    public var swapUsed: Int = 0
    /// Used frames holding page-table pages (only with `config page-tables LAYOUT frames`;
    /// then anonymous + pageCache + pageTableFrames == used).
    public var pageTableFrames: Int = 0
    /// TLB entries configured (0: no TLB).
    public var tlbEntries: Int = 0
    /// TLB hits, misses and invalidations of all processes ever.
    public var tlbHits: Int = 0
    public var tlbMisses: Int = 0
    public var tlbInvalidations: Int = 0
}
