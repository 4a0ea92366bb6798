import CowEngine

/// The event lines of swap, reclaim and the out-of-memory killer (EventRenderer calls these):
///
///     reclaim frame 0: least recently used (LRU); anonymous page written to swap slot 0, 2 entries now name the slot
///     major  C 0x10000: swap slot 0 read into frame 0 (kept in the swap cache for the other entries)
///     fault  P 0x10000: swap slot 0 found in the swap cache, frame 0 (slot freed)
///     killed A: chosen by the out-of-memory killer, score 3 (Rss 2 + swap 1 + page tables 0), when B faulted at 0x12000 with memory and swap full
enum SwapText {
    /// The line of a `.reclaimed` event.
    static func reclaimed(frame: Int, page: ReclaimedPage, entries: Int, why: String, machine: Machine) -> String {
        var text = "reclaim frame \(frame): "
        if !why.isEmpty { text += TerminalText.escaped(why, keepingNewlines: false) + "; " }
        switch page {
        case .swappedOut(let slot, let written):
            text += written ? "anonymous page written to swap slot \(slot)"
                            : "swap-cache copy of swap slot \(slot) dropped, nothing to write"
            text += ", \(Format.count(entries, "entry", "entries")) now \(entries == 1 ? "names" : "name") the slot"
        case .dropped(let file, let page, let writtenBack):
            let name = machine.file(id: file)?.name ?? "file \(file)"
            text += writtenBack ? "dirty page \(page) of \(name) written back and dropped from the page cache"
                                : "clean page \(page) of \(name) dropped from the page cache"
            text += ", \(Format.count(entries, "entry", "entries")) unmapped"
        }
        return text
    }

    /// The line of a `.swappedIn` event (after the "major  NAME ADDR: " or "fault  ..." head).
    static func swappedIn(slot: Int, frame: Int, major: Bool, slotFreed: Bool) -> String {
        let what = major ? "swap slot \(slot) read into frame \(frame)" : "swap slot \(slot) found in the swap cache, frame \(frame)"
        return what + (slotFreed ? " (slot freed)" : " (kept in the swap cache for the other entries)")
    }

    /// The line of an `.oomKilled` event.
    static func oomKilled(victim: PID, score: OOMScore, pid: PID, vpn: Int, machine: Machine) -> String {
        let name = machine.processName(victim) ?? "pid \(victim)"
        let faulter = machine.processName(pid) ?? "pid \(pid)"
        let when = victim == pid ? "its own fault at \(Format.hex(vpn &* machine.pageSize))"
                                 : "when \(faulter) faulted at \(Format.hex(vpn &* machine.pageSize))"
        return "killed \(name): chosen by the out-of-memory killer, score \(score.points) (Rss \(score.rss) + swap \(score.swap) + page tables \(score.pageTables)), \(when) with memory and swap full"
    }
}
