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
        frames.replacement.describesVictims = recordsEvents
        return frames.replacement.victim()
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
    /// `r` is the region the access found: read directly while it still holds `vpn` (a fault
    /// does not change the region tree; one read of the record instead of a search, issue 14).
    mutating func referenceAfterFault(_ space: Int, _ vpn: Int, write: Bool, region r: Int) {
        let known = frames.replacement.mappedByFault
        if known >= 0 {
            frames.replacement.mappedByFault = -1
            frames.replacement.referencedAfterFault(Int(known), write: write)
            return
        }
        let e: PackedEntry
        if let known = entryIfInRegion(space, r, vpn) {
            e = known
        } else {
            guard let found = regionAndEntry(space, vpn) else { return }
            e = found.entry
        }
        guard Packed.isPresent(e) else { return }
        frames.replacement.referencedAfterFault(Packed.frame(e), write: write)
    }
}

extension Machine {
    /// `check()`'s part: while tracking, the policy tracks exactly the frames in use, and its
    /// lists are consistent (links both ways, counts, RAND/OPT pool positions).
    func checkReplacement(_ problems: inout [String]) {
        let state = frames.replacement
        guard state.isTracking else {
            if state.count != 0 { problems.append("the replacement policy tracks \(state.count) frames while not tracking") }
            return
        }
        var used = 0
        for f in 0..<frames.materialized where frames.kinds[f] != .free {
            used += 1
            if !state.isTracked(f) { problems.append("frame \(f) is in use but the replacement policy does not track it") }
        }
        if used != state.count {
            problems.append("the replacement policy tracks \(state.count) frames but \(used) are in use")
        }
        problems.append(contentsOf: state.consistencyProblems())
    }
}

extension ReplacementState {
    /// Broken links or counts of the lists and pool, as sentences.
    func consistencyProblems() -> [String] {
        var problems: [String] = []
        switch policy {
        case .fifo, .lru, .clock, .linux:
            for l: UInt8 in [1, 2, 3] {
                var n = 0
                var f = headOf(l), p: Int32 = -1
                while f >= 0 && n <= list.count {
                    if list[Int(f)] != l { problems.append("frame \(f) is linked on replacement list \(l) but marked \(list[Int(f)])") }
                    if prev[Int(f)] != p { problems.append("frame \(f): its back link on replacement list \(l) is wrong") }
                    p = f
                    f = next[Int(f)]
                    n += 1
                }
                if p != tailOf(l) { problems.append("replacement list \(l) does not end at its tail") }
                if n != countOf(l) { problems.append("replacement list \(l) holds \(n) frames, its count says \(countOf(l))") }
            }
            if hand >= 0 && (Int(hand) >= list.count || list[Int(hand)] != 1) { problems.append("the clock hand points at an untracked frame") }
        case .opt, .rand:
            if pool.count != counts.1 { problems.append("the replacement pool holds \(pool.count) frames, the count says \(counts.1)") }
            for (k, f) in pool.enumerated() where poolIndex[Int(f)] != Int32(k) || list[Int(f)] != 1 {
                problems.append("frame \(f) is in the replacement pool at \(k) but indexed at \(poolIndex[Int(f)])")
            }
        }
        return problems
    }
}
