import CowEngine

/// Tab completion that knows the grammar: what may follow the words already typed.
extension Interpreter {
    /// Candidates for the word that ends at `cursor` (a UTF-8 byte offset into `line`): complete
    /// words starting with the partial word, sorted. What each position offers comes from the
    /// command table's patterns (`SyntaxMatcher`): command names at the start, process names where
    /// a process goes, a process's region addresses in its ranges, files, libraries, keywords,
    /// and function and variable names inside expressions.
    public func completions(line: String, cursor: Int) -> [String] {
        let bytes = Array(line.utf8)
        let end = max(0, min(cursor, bytes.count))
        var start = end
        while start > 0, isWordByte(bytes[start - 1]) { start -= 1 }
        let partial = String(decoding: bytes[start..<end], as: UTF8.self)
        let context = Array(bytes[0..<start])
        let candidates = candidates(context: context)
        return Array(Set(candidates.filter { $0.hasPrefix(partial) })).sorted()
    }

    private func isWordByte(_ c: UInt8) -> Bool {
        Ascii.isLetter(c) || Ascii.isDigit(c) || c == Ascii.underscore || c == Ascii.dot || c == Ascii.minus
    }

    /// What may come next after `context`.
    private func candidates(context: [UInt8]) -> [String] {
        // Inside a string: only `{expr}` pieces complete.
        var inString = false, braceOpen = -1
        var i = 0
        while i < context.count {
            let c = context[i]
            if inString, c == Ascii.backslash { i += 2; continue }
            if c == Ascii.quote { inString.toggle(); braceOpen = -1 }
            else if inString, c == Ascii.leftBrace { braceOpen = i }
            else if inString, c == Ascii.rightBrace { braceOpen = -1 }
            else if !inString, c == Ascii.semicolon { braceOpen = -1 }
            i += 1
        }
        if inString {
            guard braceOpen >= 0 else { return [] }
            let inner = Array(context[(braceOpen + 1)...])
            return expressionCandidates(words(inner))
        }
        var words = words(context)
        if let semicolon = words.lastIndex(of: ";") { words = Array(words[(semicolon + 1)...]) }
        // Prefixes (`quiet`, `show`, `expect-error "TEXT"`): the table's commands that take a
        // COMMAND; what comes before it in their form is skipped.
        while let first = words.first, let leading = CommandTable.prefixes[first] {
            words.removeFirst()
            for piece in leading {
                guard let next = words.first else { break }
                if piece.accepts(next) { words.removeFirst() }
            }
        }
        guard let command = words.first else {
            return CommandTable.names + CommandTable.blockWords
        }
        // Inside an open `(`: an expression. A closed group is an operand the matcher skips.
        if words.filter({ $0 == "(" }).count > words.filter({ $0 == ")" }).count { return expressionCandidates(words) }
        guard let spec = CommandTable.spec(command) else { return [] }
        // What the command's patterns expect after the words typed so far.
        let typed = Array(words.dropFirst())
        var matcher = SyntaxMatcher(words: typed)
        var result: [String] = []
        for form in spec.forms {
            for expectation in matcher.expectations(form) {
                result += candidates(for: expectation, words: typed)
            }
        }
        return result
    }

    /// What Tab offers for one expectation.
    private func candidates(for expectation: SyntaxMatcher.Expectation, words: [String]) -> [String] {
        switch expectation {
        case .word(let w): return [w]
        case .expression(let start): return expressionCandidates(Array(words[start...]))
        case .argument(let kind, let process):
            switch kind {
            case .process: return machine.processes.filter(\.isAlive).map(\.name)
            case .mappedRange:
                // The start addresses of the process's regions (a region's name is not an address).
                guard let process, let info = machine.process(named: process) else { return Array(variables.keys) }
                return info.regions.map { Format.hex($0.start &* machine.pageSize) } + Array(variables.keys)
            case .newRange, .newAddress, .number, .numbers: return numberCandidates()
            case .expression: return expressionCandidates([])
            case .file: return machine.files.map(\.name)
            case .library: return machine.files.filter(\.isLibrary).map(\.name)
            case .permissions: return PermissionWords.shown
            case .behaviourSwitch: return Behaviours.switchNames
            case .topic: return CommandTable.names
            case .command: return CommandTable.names
            case .newName, .string, .strings, .path, .block: return []
            }
        }
    }

    /// Variables and argument-less functions (for number positions).
    private func numberCandidates() -> [String] {
        Array(variables.keys) + FunctionCatalog.all.filter { $0.arguments.isEmpty }.map(\.name)
    }

    /// Function names as they are typed: `rss(` for a function that takes arguments (so Tab
    /// leaves the cursor inside the call), `frames_used` for one that takes none.
    private func functionCandidates() -> [String] {
        FunctionCatalog.all.map { $0.arguments.isEmpty ? $0.name : $0.name + "(" }
    }

    /// Inside an expression: a process as a function's first argument, a region as a usage
    /// function's second, otherwise functions, variables and keywords.
    private func expressionCandidates(_ words: [String]) -> [String] {
        var depth = 0
        var call: (name: String, argument: Int, firstArgument: [String])?
        var stack: [(name: String, argument: Int, firstArgument: [String])] = []
        for (k, w) in words.enumerated() {
            switch w {
            case "(":
                stack.append((k > 0 ? words[k - 1] : "", 0, []))
                depth += 1
            case ")":
                if !stack.isEmpty { stack.removeLast() }
                depth -= 1
            case ",":
                if !stack.isEmpty { stack[stack.count - 1].argument += 1 }
            default:
                if !stack.isEmpty, stack[stack.count - 1].argument == 0 { stack[stack.count - 1].firstArgument.append(w) }
            }
        }
        call = stack.last
        let general = functionCandidates() + Array(variables.keys) + ["and", "or", "not", "none", "true", "false"]
        guard let call, let spec = FunctionCatalog.spec(call.name), spec.arguments.hasPrefix("P") else { return general }
        if call.argument == 0 { return machine.processes.filter(\.isAlive).map(\.name) + Array(variables.keys) }
        if call.argument == 1, FunctionCatalog.usageNames.contains(call.name), call.firstArgument.count == 1,
           let info = machine.process(named: call.firstArgument[0]) {
            return uniqueRegionNames(info)
        }
        return general
    }

    /// The tokens of a fragment as their source texts (strings as `"..."`).
    private func words(_ bytes: [UInt8]) -> [String] {
        let file = SourceFile(name: "<completion>", bytes: bytes)
        return Lexer.tokens(of: file).compactMap { token in
            switch token.kind {
            case .newline, .end, .expectedOutput: return nil
            default: return file.text(from: token.span.start, to: token.span.end)
            }
        }
    }
}
