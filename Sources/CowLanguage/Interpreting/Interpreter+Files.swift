import CowEngine

// Files with contents and state (issue 11, file half): pwrite, fsync, sync, truncate, tmpfs
// files and the readahead window. Each command checks its arguments with the caret on the one
// at fault, then makes one engine call; a refused call changes nothing.

extension Interpreter {
    func runFileCommand(_ command: Command, keyword: SourceSpan) throws(ScriptError) {
        switch command {
        case .tmpfsFile(let nameArgument, let pagesExpr):
            let name = try self.name(nameArgument)
            let pages = try integer(pagesExpr, "the number of pages")
            try checkPrintable(name, "a file name", at: nameArgument.span)
            guard pages >= 1 else { throw fail("a file needs at least one page, got \(pages)", at: pagesExpr.span) }
            guard pages <= Machine.maxPages else {
                throw fail("a file may have at most \(Machine.maxPages) pages, got \(pages)", at: pagesExpr.span)
            }
            try engine(ErrorSpans(command: keyword, file: nameArgument.span, name: nameArgument.span)) { (m: inout Machine) throws(EngineError) in
                _ = try m.addFile(name: name, pages: pages, cached: false, tmpfs: true)
            }
            say("file \(name): \(Format.pages(pages)), tmpfs (page cache only, every page a hole)", style: .dim)
        case .pwrite(let fileArgument, let offsetExpr, let pagesExpr, let valueExpr):
            let name = try self.name(fileArgument)
            let offset = try offsetExpr.map { (e) throws(ScriptError) in try integer(e, "the first page", in: 0...Int.max) } ?? 0
            let count = try pagesExpr.map { (e) throws(ScriptError) in try integer(e, "the number of pages", in: 1...Machine.maxPages) } ?? 1
            let value = try integer(valueExpr, "the value")
            guard let file = machine.file(named: name) else { throw fail(describe(.noSuchFile(name)), at: fileArgument.span) }
            let rangeSpan = (offsetExpr ?? pagesExpr).map { $0.span.through((pagesExpr ?? offsetExpr ?? $0).span) } ?? fileArgument.span
            let (end, overflow) = offset.addingReportingOverflow(count)
            guard !overflow, end <= file.pages else {
                throw fail("pages \(offset)-\(overflow ? Int.max : end - 1) go past the end of \(name), which has \(Format.pages(file.pages))",
                           at: rangeSpan, notes: ["`truncate \(name) pages N` changes its size"])
            }
            let added = try engine(ErrorSpans(command: keyword, range: rangeSpan, file: fileArgument.span)) { (m: inout Machine) throws(EngineError) in
                try m.pwrite(file: file.id, pages: offset..<end, value: Int64(value))
            }
            let which = count == 1 ? "page \(offset)" : "pages \(offset)-\(end - 1)"
            say("pwrite \(name) \(which) = \(value): dirty in the page cache" + (added == 0 ? "" : " (\(Format.pages(added)) added to it)"), style: .dim)
        case .fsync(let fileArgument):
            let name = try self.name(fileArgument)
            let written = try engine(ErrorSpans(command: keyword, file: fileArgument.span)) { (m: inout Machine) throws(EngineError) in
                guard let file = m.file(named: name) else { throw EngineError.noSuchFile(name) }
                return try m.fsync(file: file.id)
            }
            let tmpfs = machine.file(named: name)?.isTmpfs == true
            say("fsync \(name): " + (tmpfs ? "a tmpfs file is never written back" : "\(Format.pages(written)) written back"), style: .dim)
        case .sync:
            let written = withMachine { $0.sync() }
            say("sync: \(Format.pages(written)) written back", style: .dim)
        case .truncate(let fileArgument, let pagesExpr):
            let name = try self.name(fileArgument)
            let pages = try integer(pagesExpr, "the new size in pages", in: 0...Machine.maxPages)
            let outcome = try engine(ErrorSpans(command: keyword, file: fileArgument.span, name: fileArgument.span)) { (m: inout Machine) throws(EngineError) in
                guard let file = m.file(named: name) else { throw EngineError.noSuchFile(name) }
                return try m.truncate(file: file.id, pages: pages)
            }
            var text = "truncate \(name): \(Format.pages(outcome.oldPages)) -> \(Format.pages(outcome.newPages))"
            if outcome.newPages < outcome.oldPages {
                text += "; \(Format.pages(outcome.pagesDropped)) dropped from the page cache, "
                    + "\(outcome.entriesUnmapped == 1 ? "1 page-table entry" : "\(outcome.entriesUnmapped) page-table entries") unmapped, "
                    + "\(Format.frames(outcome.framesFreed)) freed"
            }
            say(text, style: .dim)
        case .configReadahead(let e):
            let pages = try integer(e, "the readahead window in pages")
            try engine(ErrorSpans(command: keyword, range: e.span)) { (m: inout Machine) throws(EngineError) in
                try m.setReadahead(pages: pages)
            }
            say("config: readahead \(Format.pages(pages)) per major fault" + (machine.config.profile == .linux ? "" : " (under profile linux)"), style: .dim)
        default:
            break
        }
    }
}
