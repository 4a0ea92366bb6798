import CowEngine

/// Running statements: one `switch` over the command enum, each case a few lines that turn the
/// arguments into engine calls and print what happened.
extension Interpreter {
    /// Runs a statement of `file` (blocks recursively).
    func execute(_ statement: Statement, file: SourceFile) throws(ScriptError) {
        // A resolved access of the running file (nearly every line of a long script): nothing
        // to save and restore (that cost a retain and a release of the file per line).
        if case .access(let access) = statement.form, currentFile === file {
            try run(access)
            return
        }
        let saved = currentFile
        if saved !== file { currentFile = file }
        defer { if saved !== file { currentFile = saved } }
        switch statement.form {
        case .access(let access):
            try run(access)   // (it prints the events of its engine call itself)
        case .general(let general):
            try execute(general.kind, of: statement, file: file)
        }
    }

    /// Runs a statement in its general form.
    private func execute(_ kind: StatementKind, of statement: Statement, file: SourceFile) throws(ScriptError) {
        if case .command(let command, let keyword) = kind {
            defer { showEvents() }
            if backendLink != nil, !(try admitToBackend(command, statement: statement, keyword: keyword)) { return }
            try run(command, keyword: keyword)
            return
        }
        // A block: running it recurses, so the nesting (across sourced files) is bounded.
        executionDepth += 1
        defer { executionDepth -= 1 }
        guard executionDepth <= Self.maximumExecutionDepth else {
            throw .fatal(Diagnostic("blocks nested too deeply (more than \(Self.maximumExecutionDepth) levels, counting sourced files)",
                                    at: statement.span, in: file))
        }
        switch kind {
        case .command:
            break
        case .repeatBlock(let countExpr, let variable, let body):
            let count = try integer(countExpr, "the number of repetitions")
            guard count >= 0 else { throw fail("the number of repetitions cannot be negative, found \(count)", at: countExpr.span) }
            var i = 0
            while i < count {
                if isInterrupted() {
                    throw .interrupted(Diagnostic("interrupted after \(i) of \(count) repetitions", at: statement.span, in: file))
                }
                try takeSteps(1 + body.count, repetition: i, of: count, at: statement.span, in: file)
                if let variable { variables[variable.text] = .number(Rational(i)) }
                do throws(ScriptError) {
                    for inner in body {
                        try execute(inner, file: file)
                        if quitRequested { return }
                    }
                } catch {
                    throw annotated(error, repetition: i, of: count, variable: variable?.text, at: statement.span)
                }
                i += 1
            }
        case .expectError(let message, let inner):
            let wanted = try message.map { (m) throws(ScriptError) in try interpolate(m) }
            do {
                try execute(inner, file: file)
            } catch {
                switch error {
                case .interrupted, .fatal, .stopped: throw error
                case .reported:
                    say("expected error (reported above)", style: .dim)
                    return
                case .failed(let diagnostic), .expectationFailed(let diagnostic):
                    if let wanted, !diagnostic.message.contains(wanted) {
                        throw fail("the command failed, but not with \"\(wanted)\"", at: statement.span,
                                   notes: ["its error: \(diagnostic.message)"])
                    }
                    say("expected error: \(diagnostic.message)", style: .success)
                    return
                }
            }
            let text = file.text(from: inner.span.start, to: inner.span.end)
            throw fail("expected `\(text)` to fail, but it succeeded", at: inner.span)
        case .quiet(let body), .show(let body):
            var isQuiet = false
            if case .quiet = kind { isQuiet = true }
            let wasQuiet = quiet
            let wasRecording = machine.recordsEvents
            quiet = isQuiet
            withMachine { $0.recordsEvents = !isQuiet && options.showEvents && backendLink == nil }
            defer {
                quiet = wasQuiet
                withMachine { $0.recordsEvents = wasRecording }
            }
            for inner in body {
                try execute(inner, file: file)
                if quitRequested { return }
            }
        }
    }

    /// Prints (and always clears) the events the last command caused. They are rendered into a
    /// buffer on the stack while the engine lends them (no copy of the machine, no array per
    /// command), and handed to the sink once the machine is no longer being accessed.
    func showEvents() {
        guard eventsAreShown else { return }
        _ = withMachineShowingEvents { _ in }
    }

    /// Whether events are recorded and printed (not inside `quiet`, not switched off): the
    /// machine records events exactly then.
    private var eventsAreShown: Bool { !quiet && options.showEvents && backendLink == nil }

    /// Runs `body` on the machine, then prints the events recorded so far, all in one access to
    /// the machine (each access costs a run-time exclusivity check, and every `read` and `write`
    /// of a long script comes this way). The events are rendered into a buffer on the stack
    /// while the engine lends them (no copy of the machine, no array per command), and handed to
    /// the sink once the machine is no longer being accessed. `body`'s error, if any, is
    /// returned after the events are printed.
    private func withMachineShowingEvents<T>(_ body: (inout Machine) throws(EngineError) -> T) -> Result<T, EngineError> {
        guard eventsAreShown else { return withMachine { machine in Result { () throws(EngineError) -> T in try body(&machine) } } }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: StyledLines.scratchSize) { scratch in
            var lines = StyledLines(scratch: scratch)
            let result = withMachine { machine in
                let result = Result { () throws(EngineError) -> T in try body(&machine) }
                machine.drainPendingEvents { events, machine in EventRenderer.render(events, of: machine, into: &lines) }
                return result
            }
            lines.write(to: sink)
            return result
        }
    }

    // MARK: - Commands

    func run(_ command: Command, keyword: SourceSpan) throws(ScriptError) {
        if machine.hasUncountedShares {
            // On-demand fork deferred mapcounts; anything but an access or a fork may ask for
            // figures page by page (dumps, questions): settle them once here instead.
            switch command {
            case .read, .write, .fork, .vfork: break
            default: withMachine { $0.settleSharedMappings() }
            }
        }
        switch command {
        case .configFrames(let e):
            let frames = try integer(e, "the number of frames", in: 1...MachineConfig.maxFrames)
            try requireEmptyMachine(keyword)
            var config = machine.config
            config.frames = frames
            replaceMachine(Machine(config: config))
            say("config: \(Format.frames(frames)) of \(machine.pageSize) bytes", style: .dim)
        case .configPageSize(let e):
            let size = try integer(e, "the page size", in: MachineConfig.pageSizes)
            guard size & (size - 1) == 0 else { throw fail("the page size must be a power of two, found \(size)", at: e.span) }
            try checkPageSizeAgainstLayout(size, at: e.span)
            try requireEmptyMachine(keyword)
            var config = machine.config
            config.pageSize = size
            replaceMachine(Machine(config: config))
            say("config: pages of \(size) bytes", style: .dim)
        case .configSwap(let e):
            try runConfigSwap(e, keyword: keyword)
        case .configPageTables(let c):
            try runConfigPageTables(c, keyword: keyword)
        case .profile(let profile):
            withMachine { $0.setProfile(profile) }
            let switches = Behaviours.switchNames.map { "\($0) \(machine.config.behaviours.value(of: $0) == true ? "on" : "off")" }
            say("profile \(profile.rawValue): \(switches.joined(separator: ", "))", style: .dim)
        case .setFork(let mode):
            if mode == .onDemand && machine.config.tableFrames {     // issue 13: see `config page-tables ... frames`
                throw fail("on-demand fork does not combine with table pages as frames (`config page-tables ... frames`)", at: keyword)
            }
            withMachine { $0.setForkMode(mode) }
            switch mode {
            case .eager: say("fork mode: eager (fork copies every private page at once)", style: .dim)
            case .copyOnWrite: say("fork mode: cow (fork shares pages copy-on-write)", style: .dim)
            case .onDemand: say("fork mode: odf (on-demand fork: the child shares the last-level page tables; a write copies one)", style: .dim)
            }
        case .setSwitch(let name, let on):
            guard withMachine({ $0.setBehaviour(name.text, on) }) else { throw fail("unknown setting `\(name.text)`", at: name.span) }
            say("\(name.text): \(on ? "on" : "off")", style: .dim)
        case .setPrompt(let on):
            promptShowsState = on
        case .setSteps(let e):
            runContext.stepLimit = try integer(e, "the step budget", in: 1...Int.max)
            say("steps: at most \(runContext.stepLimit) per run", style: .dim)
        case .library(let nameArgument, let textExpr, let dataExpr, let cached):
            let name = try self.name(nameArgument)
            let text = try integer(textExpr, "the number of text pages")
            let data = try integer(dataExpr, "the number of data pages")
            // The counts are checked here so that the caret is under the count at fault.
            guard text >= 1 else { throw fail("a library needs at least one text page, got \(text)", at: textExpr.span) }
            guard data >= 0 else { throw fail("data pages must not be negative, got \(data)", at: dataExpr.span) }
            let (total, overflow) = text.addingReportingOverflow(data)
            guard !overflow, total <= Machine.maxPages else {
                throw fail("a file may have at most \(Machine.maxPages) pages" + (overflow ? "" : ", got \(total)"),
                           at: textExpr.span.through(dataExpr.span))
            }
            try engine(ErrorSpans(command: keyword, file: nameArgument.span, name: nameArgument.span)) { (m: inout Machine) throws(EngineError) in
                _ = try m.addLibrary(name: name, textPages: text, dataPages: data, cached: cached)
            }
            try mirror(.addLibrary(name: name, textPages: text, dataPages: data, cached: cached), at: keyword)
            say("library \(name): \(text) text + \(data) data pages, \(cached ? "in the page cache" : "on disk")", style: .dim)
        case .file(let nameArgument, let pagesExpr, let cached):
            let name = try self.name(nameArgument)
            let pages = try integer(pagesExpr, "the number of pages")
            try checkPrintable(name, "a file name", at: nameArgument.span)
            guard pages >= 1 else { throw fail("a file needs at least one page, got \(pages)", at: pagesExpr.span) }
            guard pages <= Machine.maxPages else {
                throw fail("a file may have at most \(Machine.maxPages) pages, got \(pages)", at: pagesExpr.span)
            }
            try engine(ErrorSpans(command: keyword, file: nameArgument.span, name: nameArgument.span)) { (m: inout Machine) throws(EngineError) in
                _ = try m.addFile(name: name, pages: pages, cached: cached)
            }
            try mirror(.addFile(name: name, pages: pages, cached: cached), at: keyword)
            say("file \(name): \(Format.pages(pages)), \(cached ? "in the page cache" : "on disk")", style: .dim)
        case .spawn(let nameArgument):
            let name = try nameArgument.map { (a) throws(ScriptError) in try self.name(a) }
                ?? uniqueProcessName("proc_\(machine.processCount + 1)")
            let spawned = try engine(ErrorSpans(command: keyword, name: nameArgument?.span)) { (m: inout Machine) throws(EngineError) in try m.spawn(name: name) }
            pidByName[name] = spawned
            try mirror(.spawn(spawned), at: keyword)
        case .map(let m): try runMap(m, keyword: keyword)
        case .mapLibrary(let ref, let libraryArgument, let at):
            let info = try processTarget(ref)
            let library = try name(libraryArgument)
            let address = try self.address(at)
            _ = try firstPage(address, at: at.span, aligned: true)
            if hasRegion(info.pid, named: library + ".text") {
                throw fail("\(info.name) already maps \(library) (it has a region \(library).text)", at: libraryArgument.span)
            }
            try engine(ErrorSpans(command: keyword, process: ref.span, range: at.span, file: libraryArgument.span)) { (m: inout Machine) throws(EngineError) in
                let id = try fileID(library, m)
                try m.mapLibrary(info.pid, library: id, at: address / m.pageSize)
            }
            try mirror(.mapLibrary(info.pid, library: library, vpn: address / machine.pageSize), at: keyword)
            // The library's regions, found by address (O(log n)), not by scanning every region.
            var regions: [Region] = []
            if let list = machine.process(info.pid)?.regions, let t = list.index(containing: address / machine.pageSize) {
                regions.append(list[t])
                if t + 1 < list.count, list[t + 1].start == list[t].end, list[t + 1].name == library + ".data" {
                    regions.append(list[t + 1])
                }
            }
            say("\(info.name): mapped " + regions.map { "\($0.name) \(rangeText($0.start..<$0.end)) (\(Format.pages($0.pages)), \($0.permissions))" }
                .joined(separator: " and "), style: .dim)
        case .mremap(let ref, let range, let to):
            let target = try firstPage(try self.address(to), at: to.span, aligned: true)
            let (info, vpns) = try changeMapping(ref, range, keyword: keyword) { (m: inout Machine, pid: PID, pages: Range<Int>) throws(EngineError) in
                try m.mremap(pid, at: pages.lowerBound, pages: pages.count, to: target)
            }
            try mirror(.mremap(info.pid, vpn: vpns.lowerBound, pages: vpns.count, to: target), at: keyword)
            say("\(info.name): moved \(rangeText(vpns)) (\(Format.pages(vpns.count))) to \(rangeText(target..<target + vpns.count)) with its page-table entries", style: .dim)
        case .mremapResize(let ref, let range, let size):
            try runMremapResize(ref, range, size, keyword: keyword)
        case .mlock(let ref, let range, let lock):
            try runMlock(ref, range, lock: lock, keyword: keyword)
        case .msync(let ref, let range):
            var written = 0
            let (info, vpns) = try changeMapping(ref, range, keyword: keyword) { (m: inout Machine, pid: PID, pages: Range<Int>) throws(EngineError) in
                written = try m.msync(pid, at: pages.lowerBound, pages: pages.count)
            }
            try mirror(.msync(info.pid, vpn: vpns.lowerBound, pages: vpns.count), at: keyword)
            say("\(info.name): msync \(rangeText(vpns)) (\(Format.pages(vpns.count)))" + (backendLink == nil ? ": \(Format.pages(written)) written back" : ""), style: .dim)
        case .unmap(let ref, let range):
            let (info, vpns) = try changeMapping(ref, range, keyword: keyword) { (m: inout Machine, pid: PID, pages: Range<Int>) throws(EngineError) in
                try m.unmap(pid, at: pages.lowerBound, pages: pages.count)
            }
            try mirror(.unmap(info.pid, vpn: vpns.lowerBound, pages: vpns.count), at: keyword)
            say("\(info.name): unmapped \(rangeText(vpns)) (\(Format.pages(vpns.count)))", style: .dim)
        case .protect(let ref, let range, let permissions):
            let (info, vpns) = try changeMapping(ref, range, keyword: keyword) { (m: inout Machine, pid: PID, pages: Range<Int>) throws(EngineError) in
                try m.protect(pid, at: pages.lowerBound, pages: pages.count, permissions: permissions)
            }
            try mirror(.protect(info.pid, vpn: vpns.lowerBound, pages: vpns.count, permissions: permissions), at: keyword)
            say("\(info.name): \(rangeText(vpns)) (\(Format.pages(vpns.count))) is now \(permissions)", style: .dim)
        case .advise(let ref, let range, let advice):
            var outcome = AdviceOutcome()
            let (info, vpns) = try changeMapping(ref, range, keyword: keyword) { (m: inout Machine, pid: PID, pages: Range<Int>) throws(EngineError) in
                outcome = try m.madvise(pid, at: pages.lowerBound, pages: pages.count, advice: advice)
            }
            try mirror(.advise(info.pid, vpn: vpns.lowerBound, pages: vpns.count, advice: advice), at: keyword)
            var text = "\(info.name): \(rangeText(vpns)) (\(Format.pages(vpns.count))) advised \(advice.rawValue)"
            // (the outcome is the simulator's: not shown when a backend did it too)
            switch backendLink == nil ? advice : .normal {
            case .dontneed, .free:
                text += ": \(outcome.entriesDropped) \(outcome.entriesDropped == 1 ? "entry" : "entries") dropped, \(outcome.framesFreed) \(outcome.framesFreed == 1 ? "frame" : "frames") freed"
            case .willneed:
                text += ": \(Format.pages(outcome.pagesRead)) read into the page cache"
            default: break
            }
            say(text, style: .dim)
        case .fork(let ref, let childArgument), .vfork(let ref, let childArgument):
            let info = try processTarget(ref)
            let child = try childArgument.map { (a) throws(ScriptError) in try self.name(a) } ?? defaultChildName(of: info.name)
            let spans = ErrorSpans(command: keyword, process: ref.span, name: childArgument?.span)
            if case .fork = command {
                let pid = try engine(spans) { (m: inout Machine) throws(EngineError) in try m.fork(info.pid, childName: child) }
                pidByName[child] = pid
                try mirror(.fork(info.pid, child: pid), at: keyword)
            } else {
                let pid = try engine(spans) { (m: inout Machine) throws(EngineError) in try m.vfork(info.pid, childName: child) }
                pidByName[child] = pid
                try mirror(.vfork(info.pid, child: pid), at: keyword)
            }
        case .exec(let ref):
            let info = try processTarget(ref)
            try engine(ErrorSpans(command: keyword, process: ref.span)) { (m: inout Machine) throws(EngineError) in try m.exec(info.pid) }
            try mirror(.exec(info.pid), at: keyword)
        case .exit(let ref):
            let info = try processTarget(ref)
            try engine(ErrorSpans(command: keyword, process: ref.span)) { (m: inout Machine) throws(EngineError) in try m.exit(info.pid) }
            try mirror(.exit(info.pid), at: keyword)
        case .read(let ref, let range):
            let info = try pidAndName(ref)
            let vpns = try pageRange(range, aligned: false, of: info.pid)
            let spans = ErrorSpans(command: keyword, process: ref.span, range: range.span)
            try read(vpns, of: info, spans: spans)
        case .write(let ref, let range, let valueExpr):
            let info = try pidAndName(ref)
            let vpns = try pageRange(range, aligned: false, of: info.pid)
            let value = try integer(valueExpr, "the value to write")
            let spans = ErrorSpans(command: keyword, process: ref.span, range: range.span)
            try write(value, to: vpns, of: info.pid, spans: spans)
        case .dump(.frames, let everyPage):
            if options.json { sayJSON(FrameDump(machine: machine).json()) } else {
                say(lines: FrameDump(machine: machine).lines(everyFrame: everyPage))
            }
        case .dump(.swap, _):
            runDumpSwap()
        case .dump(.frame(let expr), _):
            let number = try integer(expr, "the frame number")
            guard number >= 0, number <= machine.zeroPageFrame else {
                throw fail("no frame \(number): frames are numbered 0 to \(machine.zeroPageFrame - 1), and the zero page is frame \(machine.zeroPageFrame)", at: expr.span)
            }
            guard let frame = machine.frame(number) else {
                if options.json { sayJSON(.object([("frame", .int(number)), ("kind", .string("free"))])) } else { say("frame \(number): free") }
                return
            }
            let detail = FrameDetail(machine: machine, info: frame)
            if options.json { sayJSON(detail.json()) } else { say(lines: detail.lines()) }
        case .dump(.tables(let ref), _):
            try runDumpTables(ref)
        case .translate(let ref, let address, let write):
            try runTranslate(ref, address, write: write)
        case .dump(.process(let ref), let everyPage):
            let info = try process(ref)
            let dump = ProcessDump(machine: machine, info: info)
            if options.json { sayJSON(dump.json()) } else { say(lines: dump.lines(everyPage: everyPage)) }
        case .smaps(let ref, let layout):
            let info = try process(ref)
            let smaps = SmapsReport(figures: figures, info: info)
            if options.json { sayJSON(smaps.json()) } else { say(lines: smaps.lines(layout: layout, width: sink.terminalWidth)) }
        case .stats:
            let report = StatsReport(machine: machine)
            if options.json { sayJSON(report.json()) } else { say(lines: report.lines()) }
        case .check:
            let problems = machine.check()
            guard problems.isEmpty else {
                throw fail("the engine's invariants are violated (please report this as a bug)", at: keyword, notes: problems)
            }
            say("check: ok, every invariant holds", style: .success)
        case .pwrite, .fsync, .sync, .truncate, .tmpfsFile, .configReadahead:
            try runFileCommand(command, keyword: keyword)
        case .configTLB, .dump(.tlb, _):
            try runTLBCommand(command, keyword: keyword)
        case .dropCaches:
            let before = machine.stats.pageCache
            withMachine { $0.dropCaches() }
            try mirror(.dropCaches, at: keyword)
            if backendLink == nil { say("drop-caches: \(Format.frames(before - machine.stats.pageCache)) of unmapped page cache freed", style: .dim) }
        case .echo(let literal):
            say(TerminalText.escaped(try literal.map { (l) throws(ScriptError) in try interpolate(l) } ?? ""))
        case .echoValue(let e):
            say(TerminalText.escaped(try evaluate(e).description))
        case .assign(let name, let e):
            let firstDraw = draws.count
            variables[name.text] = try evaluate(e)
            // `let x = random(1, 6)`: the draw is x's value. (In `let y = x + random(1, 6)` it is not.)
            if draws.count == firstDraw + 1,
               draws[firstDraw].call == TerminalText.escaped(currentFile.text(from: e.span.start, to: e.span.end), keepingNewlines: false) {
                draws[firstDraw].variable = name.text
            }
        case .expect(let e):
            try runExpect(e)
        case .ask(let ask):
            try runAsk(ask)
        case .source(let path, let span):
            try runSource(path, span: span)
        case .save(let path, let span, let replace):
            let resolved = SourceFile.resolve(path, against: currentFile.directory)
            let lines = transcript
            var text = "# saved by cowsim \(CowsimVersion.number)\n"
            for line in lines { text += line + "\n" }
            if case .failure(let failure) = files.write(resolved, text, replace) {
                if !replace && failure.reason == SystemIO.fileExists {
                    throw fail("\(resolved) exists; `save \(path) replace` replaces it", at: span)
                }
                throw fail("cannot write \(resolved): \(failure.reason)", at: span)
            }
            say("saved \(Format.count(lines.count, "command")) to \(resolved)", style: .success)
            if partlyFailedStatements > 0 {
                say("note: \(Format.count(partlyFailedStatements, "block")) that failed part-way \(partlyFailedStatements == 1 ? "is" : "are") not saved; "
                    + "the saved script may not rebuild the same state", style: .dim)
            }
        case .reset:
            replaceMachine(Machine(config: machine.config))
            try mirror(.reset, at: keyword)
            say("reset: an empty machine (\(Format.frames(machine.config.frames)), \(machine.config.profile.rawValue) profile)", style: .dim)
        case .help(let topic):
            say(lines: try HelpText.lines(topic: topic, session: self))
        case .quit:
            requestQuit()
        case .draw(let command):
            try runDraw(command, keyword: keyword)
        case .setDraw(let on):
            drawsAfterCommands = on
            say("draw: \(on ? "on (the machine is drawn after every line)" : "off")", style: .dim)
        case .setPolicy(let policy):
            setPolicy(policy)
        case .setBackend(let name):
            try switchBackend(to: name)
        case .trace(let trace):
            try runTrace(trace, keyword: keyword)
        }
    }

    /// `read`: reads the pages, prints the events, then the values.
    func read(_ vpns: Range<Int>, of info: (pid: PID, name: String), spans: @autoclosure () -> ErrorSpans) throws(ScriptError) {
        if backendLink != nil { return try readThroughBackend(vpns, of: info, spans: spans()) }
        if vpns.count == 1 {
            let outcome = try engineShowingEvents(spans()) { (m: inout Machine) throws(EngineError) in try m.read(info.pid, vpn: vpns.lowerBound) }
            if case .value(let v) = outcome { say("\(info.name) \(Format.hex(vpns.lowerBound * machine.pageSize)) = \(v)") }
        } else {
            let result = try engineShowingEvents(spans()) { (m: inout Machine) throws(EngineError) in try m.read(info.pid, vpns: vpns) }
            sayValues(info.name, start: vpns.lowerBound, result.values)
        }
    }

    /// `write`: writes `value` into the pages and prints the events.
    func write(_ value: Int, to vpns: Range<Int>, of pid: PID, spans: @autoclosure () -> ErrorSpans) throws(ScriptError) {
        if vpns.count == 1 {
            _ = try engineShowingEvents(spans()) { (m: inout Machine) throws(EngineError) in try m.write(pid, vpn: vpns.lowerBound, value: Int64(value)) }
        } else {
            _ = try engineShowingEvents(spans()) { (m: inout Machine) throws(EngineError) in try m.write(pid, vpns: vpns, value: Int64(value)) }
        }
        if backendLink != nil { try mirror(.write(pid, vpns: vpns, value: Int64(value)), at: spans().command) }
    }

    private func fileID(_ name: String, _ m: Machine) throws(EngineError) -> FileID {
        guard let file = m.file(named: name) else { throw EngineError.noSuchFile(name) }
        return file.id
    }

    func requireEmptyMachine(_ keyword: SourceSpan) throws(ScriptError) {
        guard machine.processes.isEmpty, machine.files.isEmpty else {
            throw fail("`config` can only change an empty machine (before any file, library or process)", at: keyword,
                       notes: ["use `reset` first, or put `config` at the top of the script"])
        }
    }

    private func runMap(_ m: MapCommand, keyword: SourceSpan) throws(ScriptError) {
        let info = try processTarget(m.process)
        let vpns = try pageRange(m.range, aligned: true)
        var regionName: String
        var fileName: String?
        var fileSpan: SourceSpan?
        var offset = 0
        switch m.source {
        case .anonymous:
            regionName = "anon.\(Format.hex(vpns.lowerBound * machine.pageSize))"
        case .file(let argument, let offsetExpr):
            let name = try self.name(argument)
            fileName = name
            fileSpan = argument.span
            if let offsetExpr { offset = try integer(offsetExpr, "the file offset (in pages)") }
            regionName = name
            if hasRegion(info.pid, named: name) {
                regionName = "\(name).\(Format.hex(vpns.lowerBound * machine.pageSize))"
            }
        }
        if let nameArgument = m.name {
            regionName = try name(nameArgument)
            try checkPrintable(regionName, "a region name", at: nameArgument.span)
            if hasRegion(info.pid, named: regionName) {
                throw fail("\(info.name) already has a region named `\(regionName)`", at: nameArgument.span)
            }
        }
        let permissions = m.permissions?.0 ?? (fileName == nil ? [.read, .write] : [.read])
        let spans = ErrorSpans(command: keyword, process: m.process.span, range: m.range.span, file: fileSpan, name: m.name?.span)
        let finalName = regionName
        let shared = m.shared
        if let fileName {
            try engine(spans) { (m: inout Machine) throws(EngineError) in
                let id = try fileID(fileName, m)
                try m.mapFile(info.pid, file: id, offset: offset, at: vpns.lowerBound, pages: vpns.count,
                               permissions: permissions, shared: shared, name: finalName)
            }
        } else {
            try engine(spans) { (m: inout Machine) throws(EngineError) in
                try m.mapAnonymous(info.pid, at: vpns.lowerBound, pages: vpns.count, permissions: permissions,
                                    shared: shared, name: finalName)
            }
        }
        if let fileName {
            try mirror(.mapFile(info.pid, file: fileName, offset: offset, vpn: vpns.lowerBound, pages: vpns.count,
                                permissions: permissions, shared: shared), at: keyword)
        } else {
            try mirror(.mapAnonymous(info.pid, vpn: vpns.lowerBound, pages: vpns.count, permissions: permissions, shared: shared), at: keyword)
        }
        let kind = fileName.map { "\(m.shared ? "shared" : "private") file \($0)" + (offset > 0 ? " from page \(offset)" : "") }
            ?? "\(m.shared ? "shared" : "private") anonymous"
        say("\(info.name): mapped \(finalName) \(rangeText(vpns)) (\(Format.pages(vpns.count)), \(permissions), \(kind))", style: .dim)
        if m.populate { try populate(info, vpns, write: permissions.contains(.write) && !shared, keyword: keyword) }
    }

    /// Prints the values of a range read, one line per run of equal values.
    func sayValues(_ name: String, start: Int, _ values: [Int64]) {
        var i = 0
        while i < values.count {
            var j = i + 1
            while j < values.count, values[j] == values[i] { j += 1 }
            let vpns = (start + i)..<(start + j)
            let where_ = vpns.count == 1 ? Format.hex(vpns.lowerBound * machine.pageSize) : "\(rangeText(vpns)) (\(Format.pages(vpns.count)))"
            say("\(name) \(where_) = \(values[i])")
            i = j
        }
    }

    func sayJSON(_ json: JSON) {
        say(json.rendered())
    }

    // MARK: - expect, ask, source

    private func runExpect(_ e: Expr) throws(ScriptError) {
        let value = try evaluate(e)
        guard case .boolean(let holds) = value else {
            throw fail("`expect` needs a condition such as `rss(ls) == 16`, found \(value.kindName) (\(value))", at: e.span)
        }
        if holds { return }
        let saved = random, savedDraws = draws.count
        defer { random = saved; forgetDraws(after: savedDraws) }
        let (culprit, notes) = explain(e)
        let text = currentFile.text(from: culprit.span.start, to: culprit.span.end)
        throw .expectationFailed(Diagnostic("expectation failed: \(text)", at: culprit.span, in: currentFile, notes: notes))
    }

    /// The part of a false condition that made it false, and the values of its sides.
    private func explain(_ e: Expr) -> (Expr, [String]) {
        switch e.kind {
        case .binary(.and, let l, let r):
            if case .boolean(false)? = try? evaluate(l) { return explain(l) }
            return explain(r)
        case .binary(.or, let l, let r):
            let (_, a) = explain(l)
            let (_, b) = explain(r)
            return (e, a + b)
        case .binary(let op, let l, let r) where [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op):
            var notes: [String] = []
            for side in [l, r] where !isLiteral(side) {
                let shown = (try? evaluate(side))?.description ?? "an error"
                notes.append("\(currentFile.text(from: side.span.start, to: side.span.end)) is \(shown)")
            }
            if notes.isEmpty { notes.append("both sides are constants") }
            return (e, notes)
        case .unary(.not, let inner):
            return (e, ["\(currentFile.text(from: inner.span.start, to: inner.span.end)) is true"])
        default:
            return (e, ["\(currentFile.text(from: e.span.start, to: e.span.end)) is false"])
        }
    }

    private func isLiteral(_ e: Expr) -> Bool {
        switch e.kind {
        case .number, .none, .boolean: return true
        case .unary(.negate, let inner): return isLiteral(inner)
        default: return false
        }
    }

    private func runAsk(_ ask: AskCommand) throws(ScriptError) {
        // The question and its hint are shown to students (quiz, sheets): escaped once here.
        let text = TerminalText.escaped(try interpolate(ask.question))
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw fail("the question is empty; write the question between the quotes", at: ask.question.span)
        }
        let value = try evaluate(ask.answer)
        var choices: [String] = []
        for literal in ask.choices { choices.append(TerminalText.escaped(try interpolate(literal))) }
        let expected: Question.Expected
        if !choices.isEmpty {
            guard case .text(let chosen) = value, let index = choices.firstIndex(of: TerminalText.escaped(chosen)) else {
                throw fail("the answer of a multiple-choice question must be the text of one of its choices, found \(value.kindName) (\(value))",
                           at: ask.answer.span, notes: ["the choices are " + choices.map { "\"\($0)\"" }.joined(separator: ", ")])
            }
            expected = .choice(index)
        } else {
            switch value {
            case .number(let r): expected = .number(r)
            case .none: expected = .none
            case .boolean(let b): expected = .yesNo(b)
            case .text(let t):
                guard t.contains(where: { !$0.isWhitespace }) else {
                    throw fail("the answer of a question cannot be empty text", at: ask.answer.span)
                }
                expected = .text(TerminalText.escaped(t, keepingNewlines: false))
            }
        }
        var points = 1
        if let p = ask.points { points = try integer(p, "the points", in: 0...1_000_000) }
        let hint = try ask.hint.map { (h) throws(ScriptError) in TerminalText.escaped(try interpolate(h)) }
        var question = Question(number: questions.count + 1, text: text, expected: expected, choices: choices, points: points,
                                hint: hint, file: currentFile.name, line: ask.question.span.line)
        // The homework layer wants the state behind the answer.
        if let questionExplainer { question.explanation = questionExplainer(self, ask.answer) }
        appendQuestion(question)
        if let askHandler {
            askHandler(question)
        } else {
            sink.write(question.heading + "\n", style: .heading)
            if !question.choices.isEmpty { sink.write(question.choiceLines.joined(separator: "\n") + "\n", style: .plain) }
        }
    }

    private func runSource(_ path: String, span: SourceSpan) throws(ScriptError) {
        guard sourceDepth < 16 else {
            throw .fatal(Diagnostic("`source` nested more than 16 deep: does a file source itself?", at: span, in: currentFile))
        }
        runContext.sources.append((currentFile.name, span.line))
        defer { runContext.sources.removeLast() }
        let resolved = SourceFile.resolve(path, against: currentFile.directory)
        let file: SourceFile
        switch files.read(resolved) {
        case .failure(let failure): throw fail("cannot read \(resolved): \(failure.reason)", at: span)
        case .success(let f): file = f
        }
        sourceDepth += 1
        defer { sourceDepth -= 1 }
        guard runStatements(of: file) else { throw stopping ? .stopped : .reported }
    }

    // MARK: - Engine calls

    /// Runs an engine operation; an `EngineError` becomes a diagnostic at the argument it is about.
    /// (`spans` is only built when there is an error to place.)
    /// `unmap`, `protect` and `advise`: resolves the process and the page-aligned range, applies
    /// `change` to them, and reports engine errors at the process or the range.
    func changeMapping(
        _ ref: ProcessReference, _ range: RangeArgument, keyword: SourceSpan,
        _ change: (inout Machine, PID, Range<Int>) throws(EngineError) -> Void
    ) throws(ScriptError) -> ((pid: PID, name: String), Range<Int>) {
        let info = try processTarget(ref)
        let vpns = try pageRange(range, aligned: true, of: info.pid)
        try engine(ErrorSpans(command: keyword, process: ref.span, range: range.span)) { (m: inout Machine) throws(EngineError) in
            try change(&m, info.pid, vpns)
        }
        return (info, vpns)
    }

    /// Runs an engine operation; its `EngineError` (the only error an engine operation throws)
    /// becomes a diagnostic at the argument it is about, in the words of `describe`.
    func engine<T>(_ spans: @autoclosure () -> ErrorSpans, _ body: (inout Machine) throws(EngineError) -> T) throws(ScriptError) -> T {
        do {
            return try withMachine(body)
        } catch {
            throw fail(describe(error), at: spans().span(for: error))
        }
    }

    /// As `engine`, printing the events the operation caused right after it (with one access to
    /// the machine for both).
    func engineShowingEvents<T>(_ spans: @autoclosure () -> ErrorSpans, _ body: (inout Machine) throws(EngineError) -> T) throws(ScriptError) -> T {
        switch withMachineShowingEvents(body) {
        case .success(let value): return value
        case .failure(let error): throw fail(describe(error), at: spans().span(for: error))
        }
    }

    /// An engine error in the language's words (names instead of pids, addresses instead of pages).
    func describe(_ error: EngineError) -> String {
        func who(_ pid: PID) -> String {
            guard let p = machine.process(pid) else { return "pid \(pid)" }
            return "\(p.name) (pid \(p.pid))"
        }
        switch error {
        case .processNotRunning(let pid, let state):
            return "\(who(pid)) \(deathDescription(state))" + (state.isAlive ? "" : "; a dead process cannot do anything")
        case .overlaps(let pid, let region):
            if let r = machine.process(pid)?.regions.first(where: { $0.name == region }) {
                return "the new mapping overlaps region \(region) (\(rangeText(r.start..<r.end))) of \(who(pid))"
            }
            return "the new mapping overlaps region \(region) of \(who(pid))"
        case .notMapped(let pid, let vpn):
            return "\(Format.hex(vpn &* machine.pageSize)) is not mapped in \(who(pid))"
        case .notWholeRegion(_, let vpn, let region, let start, let pages):
            return "mremap ... size resizes one whole region; the region `\(region)` at \(Format.hex(vpn &* machine.pageSize)) is "
                + "\(rangeText(start..<(start + pages))) (\(Format.pages(pages)))"
        case .duplicateProcessName(let name):
            return "a live process is already called `\(name)`"
        case .duplicateFileName(let name):
            return "a file called `\(name)` already exists"
        case .noSuchFile(let name):
            let known = machine.files.map(\.name)
            return "no file or library called `\(name)`" + (known.isEmpty ? "; create one with `file` or `library`" : "; known: " + known.joined(separator: ", "))
        case .noSuchProcess, .notALibrary, .emptyRange, .fileRangeBeyondEnd, .outOfMemory, .addressOverflow,
             .invalidArgument, .limitExceeded, .adviceNotApplicable:
            // The engine's own sentence names no pid or page number to translate.
            return error.description
        }
    }
}

/// Which argument an engine error is about, so the caret lands on it.
struct ErrorSpans {
    var command: SourceSpan
    var process: SourceSpan?
    var range: SourceSpan?
    var file: SourceSpan?
    var name: SourceSpan?

    func span(for error: EngineError) -> SourceSpan {
        switch error {
        case .noSuchProcess, .processNotRunning: return process ?? command
        case .duplicateProcessName: return name ?? process ?? command
        case .duplicateFileName, .noSuchFile, .notALibrary: return file ?? name ?? command
        case .emptyRange, .overlaps, .notMapped, .addressOverflow, .fileRangeBeyondEnd, .adviceNotApplicable, .notWholeRegion:
            return range ?? command
        case .outOfMemory: return process ?? name ?? command
        case .invalidArgument, .limitExceeded: return range ?? name ?? command
        }
    }
}

/// The version `--version` prints.
public enum CowsimVersion {
    /// "0.1.0".
    public static let number = "0.1.0"
}
