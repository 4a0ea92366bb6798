/// Every command with its usage line, a description and a worked example: the single source of
/// `help`, completion of command names and "did you mean" suggestions.
public struct CommandHelp: Sendable {
    /// The command word.
    public var name: String
    /// Which group `help` lists it under.
    public var group: String
    /// One usage line.
    public var usage: String
    /// What it does, briefly.
    public var description: String
    /// A worked example (one or more lines of script).
    public var example: String
}

/// The table of commands.
public enum CommandCatalog {
    /// Group names in the order `help` shows them.
    public static let groups = ["machine", "files", "processes", "memory", "inspecting", "scripting"]

    /// Every command.
    public static let all: [CommandHelp] = [
        CommandHelp(name: "config", group: "machine", usage: "config frames N | config page-size BYTES",
                    description: "Sets physical memory (frames, default 256) or the page size (a power of two, default 4096). Only on an empty machine.",
                    example: "config frames 64"),
        CommandHelp(name: "profile", group: "machine", usage: "profile textbook|linux",
                    description: "Presets the behaviour switches: the classic textbook story (default) or what Linux does.",
                    example: "profile linux"),
        CommandHelp(name: "set", group: "machine", usage: "set fork cow|eager | set SWITCH on|off | set prompt on|off",
                    description: "Chooses copy-on-write or eager fork, flips one behaviour switch (cow-reuse, fault-around, fork-skip, zero-page), or the REPL's state prompt.",
                    example: "set fork eager"),
        CommandHelp(name: "reset", group: "machine", usage: "reset",
                    description: "Back to an empty machine with the same configuration (variables are kept).",
                    example: "reset"),
        CommandHelp(name: "drop-caches", group: "machine", usage: "drop-caches",
                    description: "Frees page-cache frames that no process maps, like `echo 3 > /proc/sys/vm/drop_caches`.",
                    example: "drop-caches"),
        CommandHelp(name: "library", group: "files", usage: "library NAME text N data M [cached]",
                    description: "Creates a shared library file: N code pages then M data pages; `cached` puts it in the page cache now.",
                    example: "library libc text 32 data 8 cached"),
        CommandHelp(name: "file", group: "files", usage: "file NAME pages N [cached]",
                    description: "Creates a plain file of N pages; without `cached` its pages are on disk (first access: major fault).",
                    example: "file data pages 16 cached"),
        CommandHelp(name: "spawn", group: "processes", usage: "spawn [NAME]",
                    description: "Creates a process with an empty address space (default name proc_PID).",
                    example: "spawn shell"),
        CommandHelp(name: "fork", group: "processes", usage: "fork P [as NAME]",
                    description: "Copy-on-write fork (or eager, see `set fork`); the child's default name is the parent's plus _PID, e.g. shell_2.",
                    example: "fork shell as ls"),
        CommandHelp(name: "vfork", group: "processes", usage: "vfork P [as NAME]",
                    description: "The child borrows the parent's address space; the parent waits until the child execs or exits.",
                    example: "vfork shell as sh2"),
        CommandHelp(name: "exec", group: "processes", usage: "exec P",
                    description: "Replaces the process's address space with an empty one.",
                    example: "exec ls"),
        CommandHelp(name: "exit", group: "processes", usage: "exit P | exit",
                    description: "The process exits and its frames are released; with no argument, leaves the REPL (same as quit).",
                    example: "exit ls"),
        CommandHelp(name: "map", group: "memory", usage: "map P anon|file F RANGE [PERMS] [shared] [offset N] [as NAME]",
                    description: "Maps anonymous memory or a file (private unless `shared`). PERMS: r, rw, rx, rwx, none (default rw for anon, r for files). offset: first file page.",
                    example: "map shell anon 0x10000 pages 16 rw as heap"),
        CommandHelp(name: "map-library", group: "memory", usage: "map-library P LIB [at] ADDR",
                    description: "Maps a library as the dynamic linker does: LIB.text (r-x, private) then LIB.data (rw-, private).",
                    example: "map-library shell libc at 0x400000"),
        CommandHelp(name: "unmap", group: "memory", usage: "unmap P RANGE",
                    description: "Removes mappings in the range (regions may split), like munmap.",
                    example: "unmap shell 0x40000 pages 8"),
        CommandHelp(name: "protect", group: "memory", usage: "protect P RANGE PERMS",
                    description: "Changes permissions of a mapped range, like mprotect.",
                    example: "protect shell 0x10000 pages 2 r"),
        CommandHelp(name: "advise", group: "memory", usage: "advise P RANGE normal|dontfork|wipeonfork",
                    description: "madvise: dontfork keeps the range out of children; wipeonfork gives children empty pages.",
                    example: "advise shell 0x10000 pages 4 dontfork"),
        CommandHelp(name: "read", group: "memory", usage: "read P RANGE",
                    description: "Reads each page of the range (faulting as needed) and prints the values. RANGE: ADDR, ADDR pages N, or ADDR..END.",
                    example: "read ls 0x10000 pages 16"),
        CommandHelp(name: "write", group: "memory", usage: "write P RANGE VALUE",
                    description: "Writes VALUE into each page of the range (faulting, copying on write as needed).",
                    example: "write ls 0x10000..0x14000 7"),
        CommandHelp(name: "dump", group: "inspecting", usage: "dump P [all] | dump frames [all]",
                    description: "A process's regions and page table, or the physical frame table with who maps each frame; `all` shows every page instead of runs.",
                    example: "dump ls"),
        CommandHelp(name: "smaps", group: "inspecting", usage: "smaps P",
                    description: "Per-region accounting like /proc/PID/smaps (kB), with exact Pss in pages and a total.",
                    example: "smaps ls"),
        CommandHelp(name: "stats", group: "inspecting", usage: "stats",
                    description: "Machine-wide counters: frames, faults, copies, what sharing saves.",
                    example: "stats"),
        CommandHelp(name: "check", group: "inspecting", usage: "check",
                    description: "Verifies the engine's invariants (mapcounts, reverse map, no leaked frame).",
                    example: "check"),
        CommandHelp(name: "echo", group: "scripting", usage: "echo \"TEXT {EXPR}\" | echo EXPR",
                    description: "Prints a line; {expr} inside the string is replaced by its value.",
                    example: "echo \"ls has {rss(ls)} resident pages\""),
        CommandHelp(name: "let", group: "scripting", usage: "let NAME = EXPR",
                    description: "Sets a variable, usable wherever a number is.",
                    example: "let n = 3"),
        CommandHelp(name: "expect", group: "scripting", usage: "expect CONDITION",
                    description: "An assertion: when false, the script fails showing each side's value.",
                    example: "expect rss(ls) == 16 and copies(ls) >= 1"),
        CommandHelp(name: "expect-error", group: "scripting", usage: "expect-error [\"TEXT\"] COMMAND",
                    description: "The command must fail (with an error containing TEXT); the error is shown and the script goes on.",
                    example: "expect-error \"out of memory\" fork big"),
        CommandHelp(name: "ask", group: "scripting", usage: "ask \"QUESTION\" EXPR [choices \"A\" \"B\" ...] [points N] [hint \"TEXT\"]",
                    description: "A homework question whose answer is EXPR's value at this point (hidden in a plain run): a number or none, a condition (yes/no), text, or one of the choices.",
                    example: "ask \"How many frames does ls own alone?\" uss(ls) points 2"),
        CommandHelp(name: "repeat", group: "scripting", usage: "repeat N [as VAR] ... end",
                    description: "Runs the block N times; VAR counts 0, 1, ..., N-1.",
                    example: "repeat 4 as i\n  write shell (0x10000 + i * page_size) i\nend"),
        CommandHelp(name: "quiet", group: "scripting", usage: "quiet COMMAND | quiet ... end",
                    description: "Runs without printing output (errors and questions still show).",
                    example: "quiet write shell 0x10000 pages 16 1"),
        CommandHelp(name: "show", group: "scripting", usage: "show COMMAND | show ... end",
                    description: "Turns output back on inside a quiet block.",
                    example: "quiet\n  write shell 0x10000 1\n  show dump shell\nend"),
        CommandHelp(name: "source", group: "scripting", usage: "source FILE",
                    description: "Runs another script (a relative path is taken from this script's directory).",
                    example: "source setup.cow"),
        CommandHelp(name: "save", group: "scripting", usage: "save FILE [replace]",
                    description: "Writes the session's successful commands as a script that replays the same state. An existing FILE is only replaced with `replace`.",
                    example: "save session.cow"),
        CommandHelp(name: "help", group: "scripting", usage: "help [COMMAND | functions]",
                    description: "Lists the commands, or explains one with an example.",
                    example: "help fork"),
        CommandHelp(name: "quit", group: "scripting", usage: "quit",
                    description: "Leaves the REPL (in a script: stops it successfully).",
                    example: "quit"),
    ]

    /// Every command word (and block keyword).
    public static let names: [String] = all.map(\.name)

    /// A command by name.
    public static func help(_ name: String) -> CommandHelp? { all.first { $0.name == name } }
}

/// What `help` prints.
enum HelpText {
    static func lines(topic: Name?, session: Session) throws(ScriptError) -> [String] {
        guard let topic else { return overview() }
        if topic.text == "functions" || topic.text == "expressions" { return functions() }
        guard let entry = CommandCatalog.help(topic.text) else {
            if let f = FunctionCatalog.spec(topic.text) {
                return ["\(f.signature): \(f.summary)", "(see `help functions`)"]
            }
            var notes: [String] = []
            if let near = Suggestions.nearest(to: topic.text, in: CommandCatalog.names) { notes.append("did you mean `\(near)`?") }
            throw session.fail("no help for `\(topic.text)`: not a command", at: topic.span, notes: notes + ["type `help` for the list"])
        }
        var out = ["usage: \(entry.usage)", "", entry.description, "", "example:"]
        out += entry.example.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }
        return out
    }

    static func overview() -> [String] {
        var out = ["cowsim \(CowsimVersion.number): commands (help COMMAND for details and an example; help functions for expressions)"]
        for group in CommandCatalog.groups {
            out.append("")
            out.append("\(group):")
            var table = TextTable([.init(""), .init("")], showsHeader: false, indent: "  ")
            for entry in CommandCatalog.all where entry.group == group {
                table.add([entry.name, entry.usage])
            }
            out += table.render()
        }
        out.append("")
        out.append("Numbers are decimal or 0x hex; a process is named by its name or pid; RANGE is ADDR, ADDR pages N, or ADDR..END.")
        return out
    }

    static func functions() -> [String] {
        var out = ["expressions: exact rationals with + - * / %, comparisons == != < <= > >=, and or not, none, true, false",
                   "functions (sizes in pages; P is a process, REGION a region name such as heap or libc.text):"]
        var table = TextTable([.init(""), .init("")], showsHeader: false, indent: "  ")
        for f in FunctionCatalog.all { table.add([f.signature, f.summary]) }
        out += table.render()
        return out
    }
}
