#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system walks the homework tools need (SystemIO covers reading and writing files;
/// these stay here so the rest of the language never touches directories).
enum FileTree {
    /// What a path given to `cowsim test` turned out to be.
    enum Entry: Equatable {
        /// A script to run.
        case script(String)
        /// A path that could not be used, and why.
        case unusable(String, reason: String)
    }

    /// The scripts under `paths`: a file is taken as it is; a directory gives every `.cow` file
    /// below it (recursively, hidden names skipped, symbolic links to directories not followed,
    /// only regular files),
    /// sorted by path. The order of `paths` is kept.
    static func scripts(under paths: [String]) -> [Entry] {
        var entries: [Entry] = []
        for path in paths {
            switch kind(of: path, followLinks: true) {
            case .none: entries.append(.unusable(path, reason: SystemIO.errorText()))
            case .some(.file), .some(.other): entries.append(.script(path))
            case .some(.directory):
                let base = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                entries += walk(base).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .script($0) }
            }
        }
        return entries
    }

    /// `other`: a FIFO, socket or device, which a directory walk skips (reading a FIFO named
    /// `x.cow` would wait forever), but a path named on the command line is still run.
    enum Kind { case file, directory, other }

    static func kind(of path: String, followLinks: Bool) -> Kind? {
        var info = stat()
        let result = followLinks ? stat(path, &info) : lstat(path, &info)
        guard result == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG, S_IFLNK: return .file
        default: return .other
        }
    }

    private static func walk(_ directory: String) -> [String] {
        var found: [String] = []
        var stack = [directory]
        while let dir = stack.popLast() {
            for name in list(dir) where !name.hasPrefix(".") {
                let child = dir == "/" ? "/" + name : dir + "/" + name
                if kind(of: child, followLinks: false) == .directory {
                    stack.append(child)
                } else if name.hasSuffix(".cow"), kind(of: child, followLinks: true) == .file {
                    found.append(child)
                }
            }
        }
        return found
    }

    /// Names in a directory (no `.` and `..`); empty if it cannot be read.
    private static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
