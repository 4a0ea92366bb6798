import CKernelParticipant
import CowEngine

#if canImport(Glibc)
import Glibc
#endif

// Files with contents and state on the host kernel (issue 11, file half): pwrite, fsync,
// ftruncate, tmpfs files (O_TMPFILE on /dev/shm) and how many pages of a file are in the page cache (mincore).
// The controller holds every file descriptor, so none of these needs a participant.

extension KernelHost {
    /// A tmpfs file of `pages` pages, every page a hole: page cache only, never written back. A
    /// nameless file (O_TMPFILE) on the tmpfs at `/dev/shm`: the same shmem file a `memfd_create`
    /// makes, and nothing of it outlives the controller.
    public func createTmpfsFile(_ name: String, pages: Int, on tmpfs: String = "/dev/shm") throws -> KernelFile {
        let fd = cowk_tmpfile(tmpfs)
        guard fd >= 0 else { throw KernelError.system(call: "open(O_TMPFILE)", detail: "in \(tmpfs)", errno: errno) }
        guard ftruncate(fd, off_t(pages) * off_t(KernelHost.pageSize)) == 0 else {
            let code = errno
            close(fd)
            throw KernelError.system(call: "ftruncate", detail: "of file \(name)", errno: code)
        }
        files.append(FileRecord(name: name, pages: pages, fd: fd))
        return KernelFile(name: name, pages: pages, index: files.count - 1)
    }

    /// `pwrite` of whole pages: page i of `pages` gets `value` in its first 8 bytes, zeros after.
    public func writeFile(_ file: KernelFile, pages: Range<Int>, value: Int64) throws {
        let fd = files[file.index].fd
        var page = [UInt8](repeating: 0, count: Int(KernelHost.pageSize))
        withUnsafeBytes(of: value.littleEndian) { bytes in for k in 0..<8 { page[k] = bytes[k] } }
        for i in pages {
            let written = page.withUnsafeBytes { Glibc.pwrite(fd, $0.baseAddress, $0.count, off_t(i) * off_t(KernelHost.pageSize)) }
            guard written == Int(KernelHost.pageSize) else {
                throw KernelError.system(call: "pwrite", detail: "of file \(file.name)", errno: errno)
            }
        }
    }

    /// `fsync`: the file's dirty pages are written back (and their shared mappings cleaned).
    public func syncFile(_ file: KernelFile) throws {
        guard Glibc.fsync(files[file.index].fd) == 0 else {
            throw KernelError.system(call: "fsync", detail: "of file \(file.name)", errno: errno)
        }
    }

    /// `ftruncate` to `pages` pages.
    public func truncateFile(_ file: KernelFile, pages: Int) throws {
        guard ftruncate(files[file.index].fd, off_t(pages) * off_t(KernelHost.pageSize)) == 0 else {
            throw KernelError.system(call: "ftruncate", detail: "of file \(file.name)", errno: errno)
        }
        files[file.index].pages = pages
    }

    /// Pages of the file in the page cache (`mincore` over a mapping the controller makes and
    /// removes at once; the mapping faults nothing in).
    public func cachedPages(_ file: KernelFile) throws -> Int {
        try cachedPageNumbers(file).count
    }

    /// The page numbers of the file that are in the page cache, ascending.
    public func cachedPageNumbers(_ file: KernelFile) throws -> [Int] {
        let pages = files[file.index].pages
        guard pages > 0 else { return [] }
        let length = pages * Int(KernelHost.pageSize)
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, files[file.index].fd, 0), address != MAP_FAILED else {
            throw KernelError.system(call: "mmap", detail: "of file \(file.name) for mincore", errno: errno)
        }
        defer { munmap(address, length) }
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(address, length, &vector) == 0 else {
            throw KernelError.system(call: "mincore", detail: "of file \(file.name)", errno: errno)
        }
        return vector.indices.filter { vector[$0] & 1 != 0 }
    }
}
