// The machine's side of page replacement: choosing the policy, switching tracking on, asking for
// a victim, and counting references on the access paths (see ReplacementPolicy.swift).

extension Machine {
    /// The replacement policy in force (`set policy`).
    public var replacementPolicy: ReplacementPolicy { frames.replacement.policy }

    /// Whether the replacement policy is told of every allocation, access and free (on when swap
    /// is configured: without swap nothing is ever reclaimed, and the hot path skips it all).
    public var tracksReplacement: Bool { frames.replacement.isTracking }

    /// The policy's bookkeeping, read-only (tests, `show trace`).
    public var replacement: ReplacementState { frames.replacement }

    /// Chooses the replacement policy. The frames already tracked stay, in the old policy's order
    /// (see `ReplacementState.setPolicy`); `seed` seeds `rand`.
    public mutating func setReplacementPolicy(_ policy: ReplacementPolicy, seed: UInt64 = 0) {
        frames.replacement.setPolicy(policy, seed: seed, resident: residentFrames())
    }

    /// Starts (or stops) telling the replacement policy about frames; starting tracks the frames
    /// in use now, lowest first. Reclaim (swap) switches it on when swap is configured.
    public mutating func trackReplacement(_ on: Bool) {
        guard on != frames.replacement.isTracking else { return }
        frames.replacement.setTracking(on, resident: residentFrames())
    }

    /// The frame reclaim should take and why, as the policy chooses (nil: nothing tracked).
    /// Reclaim then frees it (which tells the policy) or calls `passOverVictim`.
    mutating func chooseReplacementVictim() -> (frame: Int, why: String)? {
        frames.replacement.victim()
    }

    /// Reclaim could not take `frame`: the policy keeps it and chooses it last.
    mutating func passOverVictim(_ frame: Int) {
        frames.replacement.passOver(frame)
    }

    /// OPT's future for the access about to happen: the position at which the same page is
    /// accessed next (nil: never again, or unknown). Set by the trace driver.
    mutating func setUpcomingUse(_ position: Int?) {
        frames.replacement.upcoming = position ?? Int.max
    }

    /// Whether a trace is feeding OPT its future.
    mutating func setKnowsFuture(_ on: Bool) {
        frames.replacement.knowsFuture = on
        if !on { frames.replacement.upcoming = Int.max }
    }

    /// The frames in use, lowest first.
    func residentFrames() -> [Int] {
        (0..<frames.materialized).filter { frames.kinds[$0] != .free }
    }

    /// After a fault in address space `space` that left `vpn` mapped: the access referenced the
    /// mapped frame (a frame the fault allocated already counts, see `ReplacementState.touch`).
    mutating func referenceAfterFault(_ space: Int, _ vpn: Int, write: Bool) {
        guard let r = regionIndex(space, vpn) else { return }
        let e = procs[space].regions[r].entries[vpn - procs[space].regions[r].info.start]
        guard Packed.isPresent(e) else { return }
        frames.replacement.referencedAfterFault(Packed.frame(e), write: write)
    }
}
