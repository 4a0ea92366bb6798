// smaps' Swap and SwapPss in a `Usage`.

extension Usage {
    /// A usage with swap figures, for building expectations (`swapPss` exact).
    public init(rss: Int = 0, uss: Int = 0, sharedClean: Int = 0, sharedDirty: Int = 0, privateClean: Int = 0,
                privateDirty: Int = 0, anonymous: Int = 0, swap: Int, swapPss: Rational, pss: Rational = .zero) {
        self.init(rss: rss, uss: uss, sharedClean: sharedClean, sharedDirty: sharedDirty, privateClean: privateClean,
                  privateDirty: privateDirty, anonymous: anonymous, swap: swap, pss: pss)
        self.swapPss = swapPss
    }

    /// SwapPss in kB as `/proc/PID/smaps` prints it: each VMA's fixed-point sum shifted right
    /// by 22 (12 bits of fraction, bytes to kB), then added.
    public var smapsSwapPssKiB: Int { swapPssFixed.smapsKiB }

    /// SwapPss in kB as `/proc/PID/smaps_rollup` prints it: all VMAs added first, shifted once.
    public var rollupSwapPssKiB: Int { swapPssFixed.rollupKiB }
}
