// linux: two lists, as Linux's LRU (mm/vmscan.c) keeps them, simplified to one of each.
//
// - A new page goes to the inactive list (newest end), its reference bit clear: the access that
//   faulted it in does not count as a second use.
// - Any later access sets its reference bit (Linux: the accessed bit of a page-table entry).
// - Reclaim first balances: while the active list is longer than the inactive one (Linux's
//   inactive_is_low with ratio 1, as for small memories), the oldest active page moves to the
//   inactive list with its bit cleared (Linux deactivates referenced anonymous pages too).
// - Then it scans the inactive list from its oldest end (Linux's "tail"): a page whose bit is set
//   gets a second chance, promoted to the active list with its bit cleared; the first page whose
//   bit is clear is the victim.
// Pages used once are therefore reclaimed before pages used twice (scan resistance), unlike LRU.
// A page reclaim cannot take (passed over) is parked aside until a page comes in or goes, as
// Linux puts such pages back on a list and moves on.

extension ReplacementState {
    mutating func linuxInsert(_ f: Int) {
        referencedBit[f] = false
        linkTail(f, 1)
    }

    mutating func linuxVictim() -> (frame: Int, why: String)? {
        var promoted = 0, deactivated = 0
        var steps = 0
        while steps <= 4 * count + 4 {
            steps += 1
            while counts.2 > 0 && (counts.2 > counts.1 || counts.1 == 0) {
                let a = Int(head.2)
                unlink(a)
                referencedBit[a] = false
                linkTail(a, 1)
                deactivated += 1
            }
            let f = Int(head.1)
            guard f >= 0 else { break }
            if referencedBit[f] {
                referencedBit[f] = false
                unlink(f)
                linkTail(f, 2)
                promoted += 1
                continue
            }
            var why = "oldest on the inactive list, not referenced again (linux)"
            var notes: [String] = []
            if promoted > 0 { notes.append("\(promoted) referenced \(promoted == 1 ? "page" : "pages") promoted to the active list") }
            if deactivated > 0 { notes.append("\(deactivated) moved from the active to the inactive list") }
            if !notes.isEmpty { why += " after " + notes.joined(separator: ", ") }
            return (f, why)
        }
        // Every frame was passed over (parked), or (not reached) the scan went on too long.
        let f = head.1 >= 0 ? head.1 : head.2 >= 0 ? head.2 : head.3
        return f >= 0 ? (Int(f), "oldest on the inactive list (linux)") : nil
    }
}
