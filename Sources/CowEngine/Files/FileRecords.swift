/// A file or library known to the machine, with its page cache: one slot per file page holding
/// the frame that caches it, or -1.
struct FileRecord: Sendable {
    let id: FileID
    let name: String
    /// Size in pages; `truncate` changes it (mappings may reach past it: rule 15).
    var pages: Int
    let isLibrary: Bool
    let textPages: Int
    let dataPages: Int
    /// Frame caching each page, -1 when the page is only on disk.
    var cache: [Int32]
    var cachedCount: Int
    /// Values written back to disk (pages never written read as 0). Looked up, never iterated.
    var disk: [Int: Int64] = [:]
    /// A tmpfs file (or memfd): its pages live only in the page cache, are never written back,
    /// and a page never written or faulted is a hole (allocated zero-filled, no disk read).
    var isTmpfs = false

    init(id: FileID, name: String, pages: Int, isLibrary: Bool, textPages: Int, dataPages: Int) {
        self.id = id
        self.name = name
        self.pages = pages
        self.isLibrary = isLibrary
        self.textPages = textPages
        self.dataPages = dataPages
        cache = Array(repeating: -1, count: pages)
        cachedCount = 0
    }

    var info: FileInfo {
        FileInfo(id: id, name: name, pages: pages, isLibrary: isLibrary, textPages: textPages,
                 dataPages: dataPages, cachedPages: cachedCount, isTmpfs: isTmpfs)
    }
}

/// The hidden object behind one shared anonymous mapping (Linux: a shmem file). Its frames live
/// while at least one region refers to it, and are freed with the last one.
struct ShmemObject: Sendable {
    let id: Int
    let pages: Int
    /// Frame holding each page, -1 when never touched.
    var frames: [Int32]
    /// Regions (in all address spaces) referring to the object.
    var references: Int

    init(id: Int, pages: Int) {
        self.id = id
        self.pages = pages
        frames = Array(repeating: -1, count: pages)
        references = 1
    }

    /// The object's name in dumps: shared anonymous memory is a deleted file in Linux too.
    var name: String { "shmem#\(id)" }
}

/// A snapshot of a file for display.
public struct FileInfo: Equatable, Sendable {
    /// Identity used by `mapFile` and `FrameKind.pageCache`.
    public var id: FileID
    /// Unique name.
    public var name: String
    /// Size in pages.
    public var pages: Int
    /// Made by `addLibrary`, so `mapLibrary` accepts it.
    public var isLibrary: Bool
    /// For a library: pages of text (mapped r-x) and data (mapped rw-); 0 for plain files.
    public var textPages: Int
    /// For a library: pages of initialised data after the text; 0 for plain files.
    public var dataPages: Int
    /// Pages currently in the page cache.
    public var cachedPages: Int
    /// A tmpfs file (memfd): page cache only, never written back.
    public var isTmpfs: Bool = false
}
