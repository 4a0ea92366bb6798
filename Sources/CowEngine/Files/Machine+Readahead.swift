// Where a file fault finds its page: the page cache, a tmpfs hole, or the disk, with readahead
// under `profile linux` (conformance rule 14).

extension Machine {
    /// Sets the readahead window of major faults (rule 14, `profile linux` only), in pages:
    /// 0 ... 65,536 (0 and 1 mean no readahead). Takes effect at the next fault.
    public mutating func setReadahead(pages: Int) throws(EngineError) {
        guard (0...Machine.maxReadaheadPages).contains(pages) else {
            throw EngineError.invalidArgument("readahead must be between 0 and \(Machine.maxReadaheadPages) pages, got \(pages)")
        }
        config.readaheadPages = pages
    }

    /// The largest readahead window `setReadahead` accepts.
    public static let maxReadaheadPages = 65_536

    /// The pages of file `id` that one major fault on `page` reads in one I/O under `profile
    /// linux` (rule 14), clipped to the file: with no hint the read-around window of the
    /// configured size N starting N/2 pages before the page (Linux's mmap read-around:
    /// `start = max(0, pgoff - ra_pages / 2)`), so a 32-page file is read whole by its first
    /// major fault; with `advise sequential` N pages from the page on (Linux: a synchronous
    /// readahead of ra_pages at the faulting page), twice as far ahead of the page as without
    /// the hint; with `advise random` (or N <= 1, or `profile textbook`) only the page itself.
    /// The window starts were checked on the host kernel (KernelFilesTests).
    public func readaheadWindow(file id: FileID, page: Int, hint: ReadaheadHint) -> Range<Int> {
        let n = config.readaheadPages
        guard config.profile == .linux, n > 1 else { return page..<page + 1 }
        let size = fileRecords[id - 1].pages
        switch hint {
        case .random:
            return page..<page + 1
        case .sequential:
            return page..<min(page + n, size)
        case .normal:
            let start = max(0, page - n / 2)
            return start..<min(start + n, size)
        }
    }

    /// The page-cache frame of `page` (inside the file) of file `id` for a fault at `site`:
    /// already cached (minor); a tmpfs hole, allocated zero-filled (minor, `hole`; clean under
    /// `profile linux` as shmem pages allocated by a read are, rule 12, dirty in the textbook
    /// story where tmpfs pages always are); or read from disk (major) together with the rest of
    /// its readahead window, recording a `readAhead` event when the window holds more than the
    /// page. When memory cannot hold the whole window only the page itself is read. Nil when a
    /// frame was needed and none is free.
    mutating func pageCacheFrame(file id: FileID, page: Int, for site: FaultSite) -> (frame: Int, major: Bool, hole: Bool)? {
        if let f = cachedFrame(file: id, page: page) { return (f, false, false) }
        if fileRecords[id - 1].isTmpfs {
            guard let f = addToCache(file: id, page: page, value: 0) else { return nil }
            if config.profile != .linux { frames.dirty[f] = true }
            return (f, false, true)
        }
        let window = readaheadWindow(file: id, page: page, hint: procs[site.space].regions[site.region].info.readahead)
        var missing = 0
        if window.count > 1 {
            for p in window where fileRecords[id - 1].cache[p] < 0 { missing += 1 }
        }
        guard missing > 1, missing <= frames.freeCount else {
            guard let f = readIntoCache(file: id, page: page) else { return nil }
            return (f, true, false)
        }
        for p in window where fileRecords[id - 1].cache[p] < 0 { _ = readIntoCache(file: id, page: p) }
        note(.readAhead(pid: procs[site.process].pid, file: id, first: window.lowerBound, pages: window.count, read: missing))
        guard let f = cachedFrame(file: id, page: page) else { return nil }
        return (f, true, false)
    }
}
