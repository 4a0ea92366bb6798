/// `draw [P ...] [to FILE [replace]]`: the processes (or a process and one of its regions), then
/// optionally where to write the picture.
extension Parser {
    mutating func parseDraw(_ k: Lexeme) throws(Diagnostic) -> Command {
        var processes: [ProcessReference] = []
        var target: DrawTarget?
        while !current.endsStatement {
            if atWord("to") {
                let to = current
                advance()
                let (path, span, replace) = try parseRawPath(after: to, allowingReplace: true)
                target = DrawTarget(path: path, span: span, replace: replace)
                break
            }
            processes.append(try parseProcess(after: previousToken, what: "a process name, a region or `to FILE`"))
        }
        return .draw(DrawCommand(processes: processes, target: target))
    }
}
