import CowEngine

/// Evaluating expressions: exact rationals (overflow is an error, never a wrap or a trap),
/// comparisons, logic, and the functions of `FunctionCatalog`.
extension Interpreter {
    /// The value of an expression.
    func evaluate(_ expr: Expr) throws(ScriptError) -> Value {
        switch expr.kind {
        case .number(let r): return .number(r)
        case .none: return .none
        case .boolean(let b): return .boolean(b)
        case .string(let literal): return .text(try interpolate(literal))
        case .word(let name): return try lookUp(name, at: expr.span)
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            switch op {
            case .negate:
                let r = try number(value, operand)
                guard let negated = Rational.zero.subtracting(r) else { throw overflow(expr) }
                return .number(negated)
            case .not:
                return .boolean(!(try boolean(value, operand)))
            }
        case .binary(let op, let left, let right):
            return try binary(op, left, right, expr)
        case .call(let name, let arguments):
            return try call(name, arguments, expr)
        }
    }

    /// A string literal with its `{expr}` pieces replaced by their values.
    func interpolate(_ literal: StringLiteral) throws(ScriptError) -> String {
        var text = ""
        for part in literal.parts {
            switch part {
            case .text(let t): text += t
            case .expression(let e): text += try evaluate(e).description
            }
        }
        return text
    }

    private func lookUp(_ name: String, at span: SourceSpan) throws(ScriptError) -> Value {
        if let value = variables[name] { return value }
        if FunctionCatalog.constantNames.contains(name) {
            return try call(Name(name, span: span), [], Expr(.word(name), span: span))
        }
        var notes: [String] = []
        let candidates = variables.keys.sorted() + FunctionCatalog.all.filter { $0.arguments.isEmpty }.map(\.name)
        if let near = Suggestions.nearest(to: name, in: candidates) {
            notes.append("did you mean `\(near)`?")
        } else if let spec = FunctionCatalog.spec(name) {
            notes.append("`\(name)` is a function: call it as \(spec.signature)")
        } else if machine.process(named: name) != nil {
            notes.append("`\(name)` is a process; pass it to a function, e.g. rss(\(name))")
        } else {
            notes.append(name.utf8.count > Diagnostic.quotedWidth ? "set a variable first with `let NAME = ...`" : "set it first with `let \(name) = ...`")
        }
        throw fail("unknown variable \(Diagnostic.quoted(name))", at: span, notes: notes)
    }

    // MARK: - Operators

    private func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ whole: Expr) throws(ScriptError) -> Value {
        switch op {
        case .and:
            guard try boolean(try evaluate(left), left) else { return .boolean(false) }
            return .boolean(try boolean(try evaluate(right), right))
        case .or:
            if try boolean(try evaluate(left), left) { return .boolean(true) }
            return .boolean(try boolean(try evaluate(right), right))
        case .equal:
            return .boolean(try evaluate(left) == evaluate(right))
        case .notEqual:
            return .boolean(try evaluate(left) != evaluate(right))
        default: break
        }
        let a = try number(try evaluate(left), left)
        let b = try number(try evaluate(right), right)
        let result: Rational?
        switch op {
        case .add: result = a.adding(b)
        case .subtract: result = a.subtracting(b)
        case .multiply: result = a.multiplied(by: b)
        case .divide:
            guard b != .zero else { throw fail("division by zero", at: right.span) }
            result = a.divided(by: b)
        case .remainder:
            guard a.denominator == 1, b.denominator == 1 else {
                throw fail("`%` needs whole numbers, found \(a) % \(b)", at: whole.span)
            }
            guard b.numerator != 0 else { throw fail("remainder of a division by zero", at: right.span) }
            result = b.numerator == -1 ? .zero : Rational(a.numerator % b.numerator)
        case .less: return .boolean(a < b)
        case .lessEqual: return .boolean(a <= b)
        case .greater: return .boolean(a > b)
        case .greaterEqual: return .boolean(a >= b)
        case .and, .or, .equal, .notEqual: result = nil
        }
        guard let result else { throw overflow(whole) }
        return .number(result)
    }

    private func overflow(_ expr: Expr) -> ScriptError {
        fail("arithmetic overflow: the result does not fit in 64 bits", at: expr.span)
    }

    /// The number a value holds, or an error pointing at `expr`.
    func number(_ value: Value, _ expr: Expr) throws(ScriptError) -> Rational {
        guard case .number(let r) = value else { throw fail("expected a number, found \(value.kindName)", at: expr.span) }
        return r
    }

    /// The truth value a value holds, or an error pointing at `expr`.
    func boolean(_ value: Value, _ expr: Expr) throws(ScriptError) -> Bool {
        guard case .boolean(let b) = value else {
            throw fail("expected a condition (true or false), found \(value.kindName) (\(value))", at: expr.span,
                       notes: ["compare it, for example `\(currentFile.text(from: expr.span.start, to: expr.span.end)) > 0`"])
        }
        return b
    }

    // MARK: - Functions

    private func call(_ name: Name, _ arguments: [Expr], _ whole: Expr) throws(ScriptError) -> Value {
        guard let spec = FunctionCatalog.spec(name.text) else {
            var notes: [String] = []
            if let near = Suggestions.nearest(to: name.text, in: FunctionCatalog.names) {
                notes.append("did you mean `\(near)`?")
            } else {
                notes.append("`help functions` lists them")
            }
            throw fail("unknown function \(Diagnostic.quoted(name.text))", at: name.span, notes: notes)
        }
        func arity(_ allowed: ClosedRange<Int>) throws(ScriptError) {
            guard allowed.contains(arguments.count) else {
                let want = allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)" : "\(allowed.lowerBound) or \(allowed.upperBound)"
                let noun = allowed.upperBound == 1 ? "argument" : "arguments"
                throw fail("`\(spec.name)` takes \(want) \(noun) (\(spec.signature)), found \(arguments.count)", at: whole.span)
            }
        }
        let n = name.text
        if let why = figures.unavailable(n, of: nil) { throw fail(why, at: whole.span) }
        if FunctionCatalog.usageNames.contains(n) {
            try arity(1...2)
            let info = try processArgument(arguments[0])
            var region: String?
            if arguments.count == 2 { region = try regionArgument(arguments[1], of: info) }
            if n == "size" {
                let pages = info.isAlive ? info.regions.filter { region == nil || $0.name == region }.reduce(0) { $0 + $1.pages } : 0
                return .number(Rational(pages))
            }
            if let why = figures.unavailable(n, of: info.pid) { throw fail(why, at: whole.span) }
            guard let usage = figures.usage(of: info.pid, region: region) else {
                throw fail("no usage for \(info.name)", at: whole.span)
            }
            switch n {
            case "rss": return .number(Rational(usage.rss))
            case "pss": return .number(usage.pss)
            case "uss": return .number(Rational(usage.uss))
            case "shared_clean": return .number(Rational(usage.sharedClean))
            case "shared_dirty": return .number(Rational(usage.sharedDirty))
            case "private_clean": return .number(Rational(usage.privateClean))
            case "private_dirty": return .number(Rational(usage.privateDirty))
            case "swap": return .number(Rational(usage.swap))
            case "swap_pss": return .number(usage.swapPss)
            case "pss_dirty": return .number(usage.pssDirty)
            case "locked": return .number(usage.lockedPss)
            case "anon_huge_pages": return .number(Rational(usage.anonHugePages &* figures.pageSize / 1024))
            default: return .number(Rational(usage.anonymous))
            }
        }
        if FunctionCatalog.counterNames.contains(n) || n == "alive" || n == "pid" {
            try arity(1...1)
            let info = try processArgument(arguments[0])
            let c = info.counters
            switch n {
            case "faults": return .number(Rational(c.faults))
            case "minor_faults": return .number(Rational(c.minorFaults))
            case "major_faults": return .number(Rational(c.majorFaults))
            case "copies": return .number(Rational(c.copies))
            case "reuses": return .number(Rational(c.reuses))
            case "tlb_hits": return .number(Rational(c.tlbHits))
            case "tlb_misses": return .number(Rational(c.tlbMisses))
            case "tlb_invalidations": return .number(Rational(c.tlbInvalidations))
            case "alive": return .boolean(info.isAlive)
            default: return .number(Rational(info.pid))
            }
        }
        switch n {
        case "signal":
            try arity(1...1)
            let info = try processArgument(arguments[0])
            return info.state.killingSignal.map { .text($0) } ?? .none
        case "cached":
            try arity(1...1)
            return .number(Rational(try fileArgument(arguments[0]).cachedPages))
        case "exclusive":
            try arity(2...2)
            let info = try processArgument(arguments[0])
            let address = try self.address(arguments[1])
            let figures = self.figures
            guard info.isAlive, let entry = figures.entry(info.pid, vpn: address / figures.pageSize) else { return .boolean(false) }
            return .boolean(figures.isExclusive(frame: entry.frame))
        case "frame", "mapcount", "value":
            try arity(2...2)
            let info = try processArgument(arguments[0])
            let address = try self.address(arguments[1])
            let figures = self.figures
            let vpn = address / figures.pageSize
            guard info.isAlive, let entry = figures.entry(info.pid, vpn: vpn) else {
                return n == "mapcount" ? .number(.zero) : .none
            }
            switch n {
            case "frame": return .number(Rational(entry.frame))
            case "mapcount": return .number(Rational(figures.frame(entry.frame)?.mapcount ?? 0))
            default:
                if entry.frame == figures.zeroPageFrame { return .number(.zero) }
                guard let frame = figures.frame(entry.frame) else { return .none }
                return .number(Rational(Int(frame.value)))
            }
        case "table", "fault":
            // The walk `translate` prints, as values (issue 13): the simulated page tables only.
            try arity(n == "table" ? 3...3 : 2...3)
            let info = try processArgument(arguments[0])
            let address = try self.address(arguments[1])
            var write = false
            if n == "fault", arguments.count == 3 { write = try accessArgument(arguments[2]) }
            var level = 0
            if n == "table" { level = try integer(arguments[2], "the level", in: 0...(machine.tableLayout.levels - 1)) }
            guard backendLink == nil else { throw fail("\(n)() walks the simulated page tables: it is not available with a kernel backend", at: whole.span) }
            guard info.isAlive else {
                throw fail("\(info.name) is \(info.state): it has no page tables to walk", at: arguments[0].span)
            }
            let m = machine
            let t: Translation
            do {
                t = try m.translate(info.pid, vpn: address / m.pageSize)
            } catch {
                throw fail(error.description, at: arguments[1].span)
            }
            if n == "table" {
                guard let step = t.steps.first(where: { $0.level == level }) else { return .none }
                return .number(Rational(step.table))
            }
            let fault = TranslationFault(t, write: write, levels: m.tableLayout.levels, zeroPageFrame: m.zeroPageFrame)
            return fault.map { .text($0.rawValue) } ?? .none
        case "pte_kb":
            try arity(1...1)
            let info = try processArgument(arguments[0])
            guard let bytes = figures.pageTableBytes(of: info.pid) else { throw fail("pte_kb() is not available here", at: whole.span) }
            return .number(Rational(bytes, 1024) ?? .zero)
        case "shared_tables":
            try arity(1...1)
            let info = try processArgument(arguments[0])
            guard let n = figures.sharedPageTables(of: info.pid) else { throw fail("shared_tables() is not available here", at: whole.span) }
            return .number(Rational(n))
        case "page_tables":
            try arity(0...0)
            guard let bytes = figures.pageTableBytesTotal else { throw fail("page_tables() is not available here", at: whole.span) }
            return .number(Rational(bytes, 1024) ?? .zero)
        case "frames_used", "frames_free", "frames_total", "page_size", "saved_by_sharing", "frames_anonymous",
             "frames_page_cache", "zero_page", "swap_used", "swap_total":
            try arity(0...0)
            let figures = self.figures
            switch n {
            case "page_size": return .number(Rational(figures.pageSize))
            case "zero_page": return .number(Rational(figures.zeroPageFrame))
            case "frames_total": return .number(Rational(figures.framesTotal))
            default:
                let stats = figures.stats
                switch n {
                case "frames_used": return .number(Rational(stats.used))
                case "frames_free": return .number(Rational(stats.free))
                case "frames_anonymous": return .number(Rational(stats.anonymous))
                case "frames_page_cache": return .number(Rational(stats.pageCache))
                case "swap_used": return .number(Rational(stats.swapUsed))
                case "swap_total": return .number(Rational(stats.swapSlots))
                default: return .number(Rational(stats.savedBySharing))
                }
            }
        case "random":
            try arity(2...2)
            let low = try integer(arguments[0], "the low end of random")
            let high = try integer(arguments[1], "the high end of random")
            guard low <= high else { throw fail("random(\(low), \(high)): the low end is above the high end", at: whole.span) }
            let drawn = Value.number(Rational(random.next(in: low, high)))
            recordDraw(drawn, call: whole)
            return drawn
        case "choose":
            guard !arguments.isEmpty else { throw fail("`choose` needs at least one argument", at: whole.span) }
            var values: [Value] = []
            for a in arguments { values.append(try evaluate(a)) }
            let drawn = values[Int(random.next(below: UInt64(values.count)))]
            recordDraw(drawn, call: whole)
            return drawn
        case "hex":
            try arity(1...1)
            let x = try integer(arguments[0], "the argument of hex")
            guard x >= 0 else { throw fail("hex() takes a whole number not below 0, found \(x)", at: arguments[0].span) }
            return .text(Format.hex(x))
        case "min", "max":
            guard !arguments.isEmpty else { throw fail("`\(n)` needs at least one argument", at: whole.span) }
            var best = try number(try evaluate(arguments[0]), arguments[0])
            for a in arguments.dropFirst() {
                let x = try number(try evaluate(a), a)
                if n == "min" ? x < best : x > best { best = x }
            }
            return .number(best)
        case "abs", "floor", "ceil":
            try arity(1...1)
            let x = try number(try evaluate(arguments[0]), arguments[0])
            let q = x.numerator / x.denominator
            let exact = x.numerator % x.denominator == 0
            switch n {
            case "abs":
                guard x.numerator != Int.min else { throw overflow(whole) }
                return .number(x < .zero ? Rational(-x.numerator, x.denominator) ?? x : x)
            case "floor": return .number(Rational(!exact && x.numerator < 0 ? q - 1 : q))
            default: return .number(Rational(!exact && x.numerator > 0 ? q + 1 : q))
            }
        default:
            throw fail("function `\(n)` is not available here", at: name.span)
        }
    }

    /// `fault()`'s access: the word or text `read` or `write`; true for a write.
    private func accessArgument(_ expr: Expr) throws(ScriptError) -> Bool {
        var word: String?
        if case .word(let w) = expr.kind, variable(w) == nil { word = w }
        else if case .text(let t) = try evaluate(expr) { word = t }
        guard let word, word == "read" || word == "write" else {
            throw fail("the access must be `read` or `write`", at: expr.span, notes: ["for example `fault(p, 0x10000, write)`"])
        }
        return word == "write"
    }

    /// A function's process argument: a bare word is a process name (or a variable holding a pid
    /// or a name); anything else is evaluated. Dead processes are fine here (`alive(ls)`).
    private func processArgument(_ expr: Expr) throws(ScriptError) -> ProcessInfo {
        if case .word(let name) = expr.kind {
            let info = try process(ProcessReference(kind: .name(name), span: expr.span), allowDead: true)
            return backendLink == nil ? info : figures.process(info.pid) ?? info
        }
        let info = try process(from: try evaluate(expr), at: expr.span)
        return backendLink == nil ? info : figures.process(info.pid) ?? info
    }

    /// A function's file argument: a bare word or text naming a file or library that exists.
    private func fileArgument(_ expr: Expr) throws(ScriptError) -> FileInfo {
        let name: String
        switch expr.kind {
        case .word(let w): name = w
        default:
            let value = try evaluate(expr)
            guard case .text(let t) = value else { throw fail("expected a file name, found \(value.kindName)", at: expr.span) }
            name = t
        }
        guard let file = figures.file(named: name) else {
            let known = figures.files.map(\.name)
            throw fail("no file or library called \(Diagnostic.quoted(name))" + (known.isEmpty ? "" : "; known: " + known.joined(separator: ", ")),
                       at: expr.span)
        }
        return file
    }

    /// A function's region argument: a bare word or a string; it must exist in the process.
    private func regionArgument(_ expr: Expr, of info: ProcessInfo) throws(ScriptError) -> String {
        let name: String
        switch expr.kind {
        case .word(let w): name = w
        default:
            let value = try evaluate(expr)
            guard case .text(let t) = value else { throw fail("expected a region name, found \(value.kindName)", at: expr.span) }
            name = t
        }
        guard info.isAlive else { return name }
        let known = uniqueRegionNames(info)
        guard known.contains(name) else {
            var notes: [String] = []
            if let near = Suggestions.nearest(to: name, in: known) { notes.append("did you mean `\(near)`?") }
            let list = known.isEmpty ? "it has no regions" : "its regions: " + known.joined(separator: ", ")
            throw fail("\(info.name) has no region named \(Diagnostic.quoted(name)); \(list)", at: expr.span, notes: notes)
        }
        return name
    }

    /// Region names of a process in address order, each once.
    func uniqueRegionNames(_ info: ProcessInfo) -> [String] {
        var seen: Set<String> = []
        return info.regions.map(\.name).filter { seen.insert($0).inserted }
    }
}
