import CowEngine

/// `draw [P ...] [REGION] [to FILE.svg|FILE.dot [replace]]`, as the parser gives it.
public struct DrawCommand: Sendable {
    /// The processes named (empty: every live process). With two names where the second is a
    /// region of the first, the picture zooms into that region.
    public var processes: [ProcessReference]
    /// `to FILE`: where to write the SVG or DOT instead of drawing on the terminal.
    public var target: DrawTarget?

    public init(processes: [ProcessReference], target: DrawTarget?) {
        self.processes = processes
        self.target = target
    }
}

/// `to FILE [replace]` of `draw`.
public struct DrawTarget: Sendable {
    /// The path as written.
    public var path: String
    /// Where it is written.
    public var span: SourceSpan
    /// `replace`: an existing file may be replaced.
    public var replace: Bool

    public init(path: String, span: SourceSpan, replace: Bool) {
        self.path = path
        self.span = span
        self.replace = replace
    }
}

/// The file formats `draw ... to FILE` writes, by the file's extension.
enum PictureFormat {
    case svg, dot

    init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".svg") { self = .svg } else if lower.hasSuffix(".dot") || lower.hasSuffix(".gv") { self = .dot } else { return nil }
    }
}

extension Interpreter {
    /// The width a picture fits: the terminal's, else `$COLUMNS`, else 80.
    var pictureWidth: Int {
        if let width = sink.terminalWidth { return width }
        if let text = SystemIO.environment("COLUMNS"), let columns = Int(text), columns > 0 { return columns }
        return 80
    }

    /// Runs `draw`.
    func runDraw(_ command: DrawCommand, keyword: SourceSpan) throws(ScriptError) {
        let picture = try picture(for: command)
        guard let target = command.target else {
            say(lines: PictureText(picture, width: pictureWidth, colour: sink.paintsColour).lines())
            return
        }
        guard let format = PictureFormat(path: target.path) else {
            throw fail("`draw ... to` writes SVG or Graphviz DOT: the file name must end in .svg or .dot, found `\(target.path)`",
                       at: target.span)
        }
        let resolved = SourceFile.resolve(target.path, against: currentFile.directory)
        let text = format == .svg ? PictureSVG(picture).document() : PictureDOT(picture).document()
        if case .failure(let failure) = files.write(resolved, text, target.replace) {
            if !target.replace && failure.reason == SystemIO.fileExists {
                throw fail("\(resolved) exists; `... to \(target.path) replace` replaces it", at: target.span)
            }
            throw fail("cannot write \(resolved): \(failure.reason)", at: target.span)
        }
        let what = format == .svg ? "SVG" : "Graphviz DOT"
        say("drew \(Format.count(picture.columns.count, "process", "processes")), \(Format.count(picture.frames.count, "frame run")) as \(what) to \(resolved)",
            style: .success)
    }

    /// The picture `draw` asks for (processes checked: each must be alive).
    func picture(for command: DrawCommand) throws(ScriptError) -> Picture {
        if command.processes.isEmpty {
            return Picture.make(of: machine, processes: Picture.defaultProcesses(of: machine))
        }
        let first = try processTarget(command.processes[0])
        // `draw P REGION`: the second word names a region of P.
        if command.processes.count == 2, case .name(let word) = command.processes[1].kind, hasRegion(first.pid, named: word) {
            return Picture.make(of: machine, processes: [first.pid], zoom: word)
        }
        var pids = [first.pid]
        for ref in command.processes.dropFirst() {
            let info: (pid: PID, name: String)
            do {
                info = try processTarget(ref)
            } catch {
                if case .name(let word) = ref.kind, hasRegion(first.pid, named: word) {
                    throw fail("`\(word)` is a region of \(first.name); zoom into one region with `draw \(first.name) \(word)` (one process and the region alone)",
                               at: ref.span)
                }
                throw error
            }
            guard !pids.contains(info.pid) else { throw fail("\(info.name) is named twice", at: ref.span) }
            pids.append(info.pid)
        }
        return Picture.make(of: machine, processes: pids)
    }

    /// After each REPL line when `set draw on`: the picture of every live process.
    func drawAfterCommand() {
        guard drawsAfterCommands, !quiet, !quitRequested else { return }
        let picture = Picture.make(of: machine, processes: Picture.defaultProcesses(of: machine))
        say(lines: PictureText(picture, width: pictureWidth, colour: sink.paintsColour).lines())
    }
}
