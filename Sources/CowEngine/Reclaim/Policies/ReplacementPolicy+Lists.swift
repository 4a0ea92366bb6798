// FIFO, LRU and CLOCK: one list of the tracked frames, oldest at the head.

extension ReplacementState {
    /// FIFO: the head of the list, the frame resident longest.
    mutating func fifoVictim() -> (frame: Int, why: String) {
        (Int(head.1), "first in: resident longest (FIFO)")
    }

    /// LRU: the head of the list (every reference moves a frame to the tail).
    mutating func lruVictim() -> (frame: Int, why: String) {
        (Int(head.1), "least recently used (LRU)")
    }

    /// CLOCK: a new frame goes just behind the hand (the last place it reaches) with its
    /// reference bit set, as its first access is a reference.
    mutating func clockInsert(_ f: Int) {
        referencedBit[f] = true
        if hand >= 0 { linkBefore(f, Int(hand), 1) } else { linkTail(f, 1) }
    }

    /// CLOCK: the hand moves on if it pointed at the frame that goes.
    mutating func clockRemove(_ f: Int) {
        if hand == Int32(truncatingIfNeeded: f) { hand = next[f] }
        unlink(f)
    }

    /// CLOCK: from the hand on, clear set reference bits until a clear one is found; the hand
    /// stays on the victim (it moves past it when the frame is freed). At most one full turn.
    mutating func clockVictim() -> (frame: Int, why: String) {
        var f = hand >= 0 ? hand : head.1
        var cleared = 0
        while referencedBit[Int(f)] && cleared <= count {
            referencedBit[Int(f)] = false
            cleared += 1
            f = next[Int(f)] >= 0 ? next[Int(f)] : head.1
        }
        hand = f
        // Nobody reads the reason while events are off (a trace's miss path): no string built.
        let why = cleared == 0 || !describesVictims
            ? "clock hand found its reference bit clear (CLOCK)"
            : "clock hand found its reference bit clear after clearing \(cleared) (CLOCK)"
        return (Int(f), why)
    }
}
