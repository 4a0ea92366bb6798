import CowEngine

/// `trace P ADDR read|write LIST [show|quiet]`: a reference string replayed by one process.
public struct TraceCommand: Sendable {
    /// Where the page numbers come from.
    public enum References: Sendable {
        /// `1,2,3,4`: operands separated by commas.
        case inline([Expr])
        /// `from FILE`: page numbers in a file, separated by commas, blanks or newlines.
        case file(path: String, span: SourceSpan)
    }

    /// What is printed.
    public enum Output: Sendable {
        /// One summary line (the default).
        case summary
        /// `show`: a line per access as OSTEP's `paging-policy.py -c`, then the summary.
        case steps
        /// `quiet`: nothing but kills (the figures stay readable through functions).
        case quiet
    }

    public var process: ProcessReference
    /// ADDR: page numbers count from its page.
    public var address: Expr
    public var write: Bool
    public var references: References
    public var output: Output
    /// Where the list (or `from FILE`) is written, for errors about it as a whole.
    public var referencesSpan: SourceSpan
}

extension Parser {
    /// `trace P ADDR read|write (N,N,... | from FILE) [show|quiet]`.
    mutating func parseTrace(_ k: Lexeme) throws(Diagnostic) -> Command {
        let process = try parseProcess(after: k)
        let address = try parseOperand(after: previousToken)
        let access = try expectChoice(["read", "write"], what: "`read` or `write`", after: previousToken)
        let listStart = current
        let references: TraceCommand.References
        if atWord("from") {
            let from = current
            advance()
            let (path, span) = try parseTracePath(after: from)
            references = .file(path: path, span: span)
        } else {
            guard !current.endsStatement else {
                throw expected("page numbers (`0,1,2,0`) or `from FILE`", after: previousToken)
            }
            var pages: [Expr] = [try parseOperand(after: previousToken)]
            while current.isSymbol(.comma) {
                let comma = current
                advance()
                guard pages.count < Machine.maxTraceLength else {
                    throw error("a trace takes at most \(Machine.maxTraceLength) references", at: comma.span)
                }
                pages.append(try parseOperand(after: comma))
            }
            references = .inline(pages)
        }
        let listSpan = listStart.span.through(previousToken.span)
        var output = TraceCommand.Output.summary
        if atWord("show") {
            advance()
            output = .steps
        } else if atWord("quiet") {
            advance()
            output = .quiet
        }
        guard current.endsStatement else {
            throw expected("`show`, `quiet` or the end of the command", after: previousToken,
                           notes: ["separate page numbers with commas: `0,1,2`"])
        }
        return .trace(TraceCommand(process: process, address: address, write: access == "write",
                                   references: references, output: output, referencesSpan: listSpan))
    }

    /// The file after `from`: a string, or raw text to the end of the statement except a last
    /// word `show` or `quiet`.
    private mutating func parseTracePath(after from: Lexeme) throws(Diagnostic) -> (String, SourceSpan) {
        guard !current.endsStatement, !atWord("show"), !atWord("quiet") else { throw expected("a file name", after: from) }
        if case .string = current.kind {
            let (path, span, _) = try parseRawPath(after: from)
            return (path, span)
        }
        let first = current
        var last = current
        while !current.endsStatement {
            // A last word `show` or `quiet` is the output mode, not part of the name.
            if current.span.start != first.span.start, following.map({ $0.endsStatement }) ?? true,
               atWord("show") || atWord("quiet") { break }
            last = current
            advance()
        }
        let end = last
        let span = first.span.through(end.span)
        return (file.text(from: span.start, to: span.end), span)
    }
}
