// Files, libraries and the page cache.

extension Machine {
    /// Creates a file of `pages` pages holding zeros. `cached: true` puts every page in the page
    /// cache now (clean, as right after it was written and synced); otherwise it is on disk and
    /// the first access to each page is a major fault.
    /// `tmpfs: true` makes a tmpfs file (memfd): no disk behind it, every page a hole until it is
    /// written or faulted in (`cached` is refused with it: there is nothing to read).
    public mutating func addFile(name: String, pages: Int, cached: Bool, tmpfs: Bool = false) throws(EngineError) -> FileID {
        if tmpfs && cached {
            throw EngineError.invalidArgument("a tmpfs file has no disk to cache: its pages appear when written or faulted in")
        }
        let id = try addFileRecord(name: name, pages: pages, isLibrary: false, textPages: 0, dataPages: 0, cached: cached)
        fileRecords[id - 1].isTmpfs = tmpfs
        return id
    }

    /// Creates a library: a file whose first `textPages` pages are code and next `dataPages`
    /// pages initialised data; `mapLibrary` maps them the way the dynamic linker does.
    public mutating func addLibrary(name: String, textPages: Int, dataPages: Int, cached: Bool) throws(EngineError) -> FileID {
        guard textPages >= 1 else { throw EngineError.invalidArgument("a library needs at least one text page, got \(textPages)") }
        guard dataPages >= 0 else { throw EngineError.invalidArgument("data pages must not be negative, got \(dataPages)") }
        let (total, overflow) = textPages.addingReportingOverflow(dataPages)
        guard !overflow else { throw EngineError.limitExceeded("a file may have at most \(Machine.maxPages) pages") }
        return try addFileRecord(name: name, pages: total, isLibrary: true, textPages: textPages,
                                 dataPages: dataPages, cached: cached)
    }

    /// Validates and stores a new file, caching it whole if asked (all or nothing).
    private mutating func addFileRecord(name: String, pages: Int, isLibrary: Bool, textPages: Int,
                                        dataPages: Int, cached: Bool) throws(EngineError) -> FileID {
        guard !name.isEmpty else { throw EngineError.invalidArgument("a file needs a name") }
        try Machine.checkPrintable(name, "a file name")
        guard pages >= 1 else { throw EngineError.invalidArgument("a file needs at least one page, got \(pages)") }
        guard pages <= Machine.maxPages else {
            throw EngineError.limitExceeded("a file may have at most \(Machine.maxPages) pages, got \(pages)")
        }
        guard file(named: name) == nil else { throw EngineError.duplicateFileName(name) }
        if cached && frames.freeCount < pages {
            throw EngineError.outOfMemory(needed: pages, free: frames.freeCount)
        }
        let id = fileRecords.count + 1
        fileRecords.append(FileRecord(id: id, name: name, pages: pages, isLibrary: isLibrary,
                                      textPages: textPages, dataPages: dataPages))
        if cached {
            for page in 0..<pages { _ = readIntoCache(file: id, page: page) }
        }
        return id
    }

    /// The file called `name`, if any.
    public func file(named name: String) -> FileInfo? {
        fileRecords.first { $0.name == name }?.info
    }

    /// The file with `id`; a negative id gives the shmem object behind shared anonymous memory
    /// (named "shmem#N"), so frame dumps can name every page-cache frame.
    public func file(id: FileID) -> FileInfo? {
        if id >= 1 && id <= fileRecords.count { return fileRecords[id - 1].info }
        let s = -id
        guard s >= 1 && s <= shmemObjects.count else { return nil }
        let object = shmemObjects[s - 1]
        let cached = object.frames.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        return FileInfo(id: id, name: object.name, pages: object.pages, isLibrary: false, textPages: 0,
                        dataPages: 0, cachedPages: cached)
    }

    /// All files, by id (shmem objects are not listed).
    public var files: [FileInfo] { fileRecords.map(\.info) }

    /// Frees the page-cache frames no process maps (writing dirty ones back to disk first), like
    /// `sync; echo 3 > /proc/sys/vm/drop_caches`. Shared anonymous memory and tmpfs files are not
    /// a cache (nothing to read them back from): kept.
    public mutating func dropCaches() {
        settleAll()
        for i in fileRecords.indices where !fileRecords[i].isTmpfs {
            for page in 0..<fileRecords[i].pages {
                let f = Int(fileRecords[i].cache[page])
                guard f >= 0, frames.mapcount[f] == 0 else { continue }
                if frames.dirty[f] { fileRecords[i].disk[page] = frames.values[f] }
                frames.release(f)
                fileRecords[i].cache[page] = -1
                fileRecords[i].cachedCount -= 1
            }
        }
    }

    // MARK: page cache internals

    /// The frame caching `page` of file `id`, if it is cached.
    @inline(__always) func cachedFrame(file id: FileID, page: Int) -> Int? {
        let f = fileRecords[id - 1].cache[page]
        return f >= 0 ? Int(f) : nil
    }

    /// Reads `page` of file `id` from disk into a new page-cache frame (clean); nil when no
    /// frame is free.
    mutating func readIntoCache(file id: FileID, page: Int) -> Int? {
        guard let f = allocateFrame(.pageCache, owner: id, page: page) else { return nil }
        frames.values[f] = fileRecords[id - 1].disk[page] ?? 0
        fileRecords[id - 1].cache[page] = Int32(f)
        fileRecords[id - 1].cachedCount += 1
        return f
    }

    // MARK: shmem internals

    /// Creates the hidden object behind a new shared anonymous mapping of `pages` pages.
    mutating func newShmemObject(pages: Int) -> Int {
        let id = shmemObjects.count + 1
        shmemObjects.append(ShmemObject(id: id, pages: pages))
        return id
    }

    /// The frame holding `page` of shmem object `id`, if it was ever touched.
    @inline(__always) func shmemFrame(_ id: Int, page: Int) -> Int? {
        let f = shmemObjects[id - 1].frames[page]
        return f >= 0 ? Int(f) : nil
    }

    /// Allocates the zero-filled frame of a shmem page; nil when no frame is free. The textbook
    /// story counts every tmpfs page dirty; Linux (conformance rule 12) leaves a page allocated
    /// by a read clean, and only a write dirties it (the write fault stores, which does that).
    mutating func allocateShmemFrame(_ id: Int, page: Int) -> Int? {
        guard let f = allocateFrame(.shmem, owner: id, page: page) else { return nil }
        if config.profile != .linux { frames.dirty[f] = true }
        shmemObjects[id - 1].frames[page] = Int32(f)
        return f
    }

    /// One more region refers to shmem object `id` (fork, region split).
    mutating func retainShmem(_ id: Int) {
        shmemObjects[id - 1].references += 1
    }

    /// One region fewer refers to shmem object `id`; with the last one its frames are freed.
    /// Returns how many frames were freed.
    mutating func releaseShmem(_ id: Int) -> Int {
        shmemObjects[id - 1].references -= 1
        guard shmemObjects[id - 1].references == 0 else { return 0 }
        var freed = 0
        for page in 0..<shmemObjects[id - 1].pages {
            let f = Int(shmemObjects[id - 1].frames[page])
            guard f >= 0 else { continue }
            frames.release(f)
            shmemObjects[id - 1].frames[page] = -1
            freed += 1
        }
        return freed
    }
}
