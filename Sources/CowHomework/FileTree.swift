#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowLanguage

/// The file-system walks the homework tools need (SystemIO covers reading and writing files;
/// these stay here so the rest of the language never touches directories).
enum FileTree {
    /// What a path given to `cowsim test` turned out to be.
    enum Entry: Equatable {
        /// The path it is about.
        var path: String {
            switch self {
            case .script(let p), .unusable(let p, _): return p
            }
        }

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
                entries += walk(base).sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
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

    /// Scripts below `directory`, and directories that could not be read (a test suite that
    /// silently skipped them would pass without running their scripts).
    private static func walk(_ directory: String) -> [Entry] {
        var found: [Entry] = []
        var stack = [directory]
        while let dir = stack.popLast() {
            guard let names = list(dir) else {
                found.append(.unusable(dir, reason: SystemIO.errorText()))
                continue
            }
            for name in names where !name.hasPrefix(".") {
                let child = dir == "/" ? "/" + name : dir + "/" + name
                if kind(of: child, followLinks: false) == .directory {
                    stack.append(child)
                } else if name.hasSuffix(".cow"), kind(of: child, followLinks: true) == .file {
                    found.append(.script(child))
                }
            }
        }
        return found
    }

    /// Names in a directory (no `.` and `..`); nil if it cannot be read.
    private static func list(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
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
