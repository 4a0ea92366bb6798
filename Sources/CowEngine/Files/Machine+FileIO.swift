// Files with contents and state, driven without a process: pwrite, fsync / sync, truncate,
// tmpfs files (memfd), and what a file mapping does past the end of its file (rule 15).

/// What `truncate` did.
public struct TruncateOutcome: Equatable, Sendable {
    /// The file's size before, in pages.
    public var oldPages: Int
    /// The file's size now, in pages.
    public var newPages: Int
    /// Page-cache pages past the new end that left the page cache (their frames freed).
    public var pagesDropped: Int
    /// Page-table entries of pages past the new end removed, in every process (private copies
    /// included, as the kernel's truncate unmaps them too).
    public var entriesUnmapped: Int
    /// Frames freed in all: the dropped page-cache pages plus private copies nobody maps any more.
    public var framesFreed: Int

    /// An outcome, for building expectations.
    public init(oldPages: Int, newPages: Int, pagesDropped: Int = 0, entriesUnmapped: Int = 0, framesFreed: Int = 0) {
        self.oldPages = oldPages
        self.newPages = newPages
        self.pagesDropped = pagesDropped
        self.entriesUnmapped = entriesUnmapped
        self.framesFreed = framesFreed
    }
}

extension Kill {
    /// The signal that killed: "SIGSEGV", "SIGBUS", or "SIGKILL" (the out-of-memory killer).
    public var signal: String {
        switch self {
        case .segfault: return "SIGSEGV"
        case .busError: return "SIGBUS"
        case .outOfMemory, .oomVictim: return "SIGKILL"
        }
    }
}

extension ProcessState {
    /// The signal that killed the process, nil while it lives or after it exited normally.
    public var killingSignal: String? {
        if case .killed(let kill) = self { return kill.signal }
        return nil
    }
}

extension Machine {
    /// Whether a MAP_SHARED mapping of `backing` is write-notified (rule 13): file mappings under
    /// `profile linux`, except tmpfs files, whose pages are never written back (Linux: shmem
    /// has no dirty accounting, so its shared mappings are writable from the first fault).
    @inline(__always) func notifiesWrites(_ backing: Backing) -> Bool {
        guard writeNotify, case .file(let id, _) = backing else { return false }
        return !fileRecords[id - 1].isTmpfs
    }

    /// The file called `name`, or noSuchFile.
    private func fileID(named name: String) throws(EngineError) -> FileID {
        guard let info = file(named: name) else { throw EngineError.noSuchFile(name) }
        return info.id
    }

    // MARK: pwrite

    /// `pwrite` of whole pages: writes `value` into pages `pages` of file `id` through the page
    /// cache, as `write(2)` does. Each page ends up in the page cache, dirty (a page not cached
    /// gets a frame without reading the disk: the write covers it whole). Every mapping of the
    /// page sees the value at once (shared mappings, and private ones that have not copied it);
    /// entries are left as they are, so under write notification the next write through a clean
    /// read-only shared entry still faults. The range must lie inside the file (pwrite past the
    /// end would grow it: use `truncate` first); memory for the pages not cached must be free.
    /// Nothing changes when it throws. Returns how many pages had to be added to the page cache.
    @discardableResult
    public mutating func pwrite(file id: FileID, pages: Range<Int>, value: Int64) throws(EngineError) -> Int {
        settleAll()     // on-demand fork: mapcounts complete before the page cache changes
        let record = try fileRecord(id)
        guard !pages.isEmpty else { throw EngineError.emptyRange }
        guard pages.lowerBound >= 0 else {
            throw EngineError.invalidArgument("page number must not be negative, got \(pages.lowerBound)")
        }
        guard pages.upperBound <= record.pages else { throw EngineError.fileRangeBeyondEnd(file: record.name, pages: record.pages) }
        var missing = 0
        for page in pages where record.cache[page] < 0 { missing += 1 }
        guard missing <= frames.freeCount else { throw EngineError.outOfMemory(needed: missing, free: frames.freeCount) }
        for page in pages {
            let f: Int
            if let cached = cachedFrame(file: id, page: page) {
                f = cached
            } else {
                guard let fresh = addToCache(file: id, page: page, value: 0) else { break }  // counted above: never
                f = fresh
            }
            frames.values[f] = value
            frames.dirty[f] = true
        }
        return missing
    }

    // MARK: fsync, sync

    /// `fsync`: writes the file's dirty page-cache pages back to disk and marks them clean; every
    /// shared mapping of them loses its dirty bit and, under write notification, its write right
    /// (the kernel's page_mkclean), so the next write through it faults again. A tmpfs file has
    /// no disk: nothing is written, its pages stay dirty. Returns how many pages were written.
    @discardableResult
    public mutating func fsync(file id: FileID) throws(EngineError) -> Int {
        settleAll()
        _ = try fileRecord(id)
        return writeBack(file: id)
    }

    /// `sync`: `fsync` of every file (tmpfs files excepted). Returns how many pages were written.
    @discardableResult
    public mutating func sync() -> Int {
        settleAll()
        var written = 0
        for i in fileRecords.indices { written += writeBack(file: i + 1) }
        return written
    }

    /// Writes back the dirty cached pages of file `id` (none for tmpfs) and cleans their mappings.
    private mutating func writeBack(file id: FileID) -> Int {
        let tlbMark = tlbInvalidationMark
        defer { noteTLB(nil, since: tlbMark, .writeback) }
        guard !fileRecords[id - 1].isTmpfs, fileRecords[id - 1].cachedCount > 0 else { return 0 }
        var cleaned = Set<Int>()
        for page in 0..<fileRecords[id - 1].pages {
            guard let f = cachedFrame(file: id, page: page), frames.dirty[f] else { continue }
            fileRecords[id - 1].disk[page] = frames.values[f]
            frames.dirty[f] = false
            cleaned.insert(f)
        }
        guard !cleaned.isEmpty else { return 0 }
        let clear = Packed.dirty | (writeNotify ? Packed.writable : 0)
        forEachEntry(ofFile: id, sharedOnly: true) { e in
            Packed.isPresent(e) && cleaned.contains(Packed.frame(e)) ? e & ~clear : e
        }
        return cleaned.count
    }

    /// Applies `change` to every entry of every region (in every address space) that maps file
    /// `id`, shared regions only if `sharedOnly`.
    private mutating func forEachEntry(ofFile id: FileID, sharedOnly: Bool, _ change: (PackedEntry) -> PackedEntry) {
        for p in procs.indices {
            for r in procs[p].regions.indices {
                guard procs[p].regions[r].source == .file(id), !sharedOnly || procs[p].regions[r].info.isShared else { continue }
                for k in procs[p].regions[r].entries.indices {
                    let e = procs[p].regions[r].entries[k]
                    let changed = change(e)
                    if changed != e {
                        if tlb.isOn { invalidateTLB(p, procs[p].regions[r].info.start + k) }
                        procs[p].regions[r].entries[k] = changed
                    }
                }
            }
        }
    }

    // MARK: truncate

    /// `ftruncate` to `pages` pages. Growing adds pages that read as zeros (on disk, not cached).
    /// Shrinking removes the pages past the new end: every page-table entry of them, in every
    /// process, is removed (private copies too: the kernel's truncate unmaps even COW copies),
    /// their page-cache frames are freed and what the disk held there is forgotten; a later access
    /// there gets SIGBUS (rule 15). Libraries cannot be truncated (their text and data layout is
    /// fixed). Nothing changes when it throws.
    @discardableResult
    public mutating func truncate(file id: FileID, pages: Int) throws(EngineError) -> TruncateOutcome {
        settleAll()
        let record = try fileRecord(id)
        guard !record.isLibrary else {
            throw EngineError.invalidArgument("\(record.name) is a library: only plain files can be truncated")
        }
        guard pages >= 0 else { throw EngineError.invalidArgument("a file size must not be negative, got \(pages)") }
        guard pages <= Machine.maxPages else {
            throw EngineError.limitExceeded("a file may have at most \(Machine.maxPages) pages, got \(pages)")
        }
        var outcome = TruncateOutcome(oldPages: record.pages, newPages: pages)
        if pages >= record.pages {
            fileRecords[id - 1].cache.append(contentsOf: repeatElement(-1, count: pages - record.pages))
            fileRecords[id - 1].pages = pages
            return outcome
        }
        // Unmap every page past the new end, in every address space.
        let tlbMark = tlbInvalidationMark
        defer { noteTLB(nil, since: tlbMark, .truncate) }
        for p in procs.indices {
            for r in procs[p].regions.indices where procs[p].regions[r].source == .file(id) {
                let offset = procs[p].regions[r].objectOffset
                let count = procs[p].regions[r].info.pages
                let from = min(max(pages - offset, 0), count)
                for k in from..<count {
                    let e = procs[p].regions[r].entries[k]
                    guard e != 0 else { continue }      // a swap entry (a private copy in swap) goes too
                    if tlb.isOn { invalidateTLB(p, procs[p].regions[r].info.start + k) }
                    procs[p].regions[r].entries[k] = 0
                    outcome.entriesUnmapped += 1
                    if dropReference(e) { outcome.framesFreed += 1 }
                }
            }
        }
        for page in pages..<record.pages {
            guard let f = cachedFrame(file: id, page: page) else { continue }
            frames.release(f)
            outcome.pagesDropped += 1
            outcome.framesFreed += 1
        }
        fileRecords[id - 1].cachedCount -= outcome.pagesDropped
        fileRecords[id - 1].cache.removeLast(record.pages - pages)
        fileRecords[id - 1].disk = fileRecords[id - 1].disk.filter { $0.key < pages }
        fileRecords[id - 1].pages = pages
        return outcome
    }

    // MARK: page cache internals

    /// Puts `page` of file `id` into the page cache in a new frame holding `value` (clean); nil
    /// when no frame is free.
    mutating func addToCache(file id: FileID, page: Int, value: Int64) -> Int? {
        guard let f = allocateFrame(.pageCache, owner: id, page: page) else { return nil }
        frames.values[f] = value
        fileRecords[id - 1].cache[page] = Int32(f)
        fileRecords[id - 1].cachedCount += 1
        return f
    }

    /// Records a SIGBUS kill of process `i` at `vpn` (called by `kill`).
    mutating func noteBusError(_ i: Int, _ vpn: Int) {
        let space = spaceIndex(i)
        var file = 0
        if let r = regionIndex(space, vpn), case .file(let id) = procs[space].regions[r].source { file = id }
        note(.busError(pid: procs[i].pid, vpn: vpn, file: file))
    }
}
