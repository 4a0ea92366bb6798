import CowEngine

/// Tab completion that knows the grammar: what may follow the words already typed.
extension Session {
    /// Candidates for the word that ends at `cursor` (a UTF-8 byte offset into `line`): complete
    /// words starting with the partial word, sorted. Context aware: command names at the start,
    /// process names where a process goes, files after `map P file`, libraries after
    /// `map-library P`, region names as a usage function's second argument, profile names,
    /// `set` switches, `dump` targets, function and variable names inside expressions.
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
        while let first = words.first, first == "quiet" || first == "show" || first == "expect-error" {
            words.removeFirst()
            if first == "expect-error", words.first?.hasPrefix("\"") == true { words.removeFirst() }
        }
        guard let command = words.first else {
            return CommandCatalog.names + ["end", "quiet", "show", "repeat"]
        }
        let index = words.count    // position of the word being completed (the command is 0)
        let alive = machine.processes.filter(\.isAlive).map(\.name)
        let permissions = ["r", "rw", "rx", "rwx", "none"]
        let expressionStart: Int?
        switch command {
        case "expect", "echo": expressionStart = 1
        case "let": expressionStart = words.firstIndex(of: "=").map { $0 + 1 }
        case "repeat": expressionStart = index == 1 ? 1 : nil
        case "ask": expressionStart = words.count >= 2 ? 2 : nil
        default: expressionStart = nil
        }
        if let s = expressionStart, index >= s { return expressionCandidates(Array(words[s...])) }
        if words.contains("(") { return expressionCandidates(words) }
        switch (command, index) {
        case ("help", 1): return CommandCatalog.names + ["functions"]
        case ("profile", 1): return Profile.allCases.map(\.rawValue)
        case ("config", 1): return ["frames", "page-size"]
        case ("set", 1): return ["fork", "prompt"] + Behaviours.switchNames
        case ("set", 2): return words[1] == "fork" ? ForkMode.allCases.map(\.rawValue) : ["on", "off"]
        case ("library", 2): return ["text"]
        case ("library", 4): return ["data"]
        case ("library", 6), ("file", 4): return ["cached"]
        case ("file", 2): return ["pages"]
        case ("dump", 1): return ["frames"] + alive
        case ("dump", 2): return ["all"]
        case ("fork", 1), ("vfork", 1), ("exec", 1), ("exit", 1), ("read", 1), ("write", 1), ("smaps", 1),
             ("unmap", 1), ("protect", 1), ("advise", 1), ("map", 1), ("map-library", 1):
            return alive
        case ("fork", 2), ("vfork", 2): return ["as"]
        case ("map-library", 2): return machine.files.filter(\.isLibrary).map(\.name)
        case ("map-library", 3): return ["at"] + numberCandidates()
        case ("map", 2): return ["anon", "file"]
        case ("map", 3) where words[2] == "file": return machine.files.map(\.name)
        default: break
        }
        if words.last == "as" || words.last == "pages" || words.last == ".." { return words.last == "as" ? [] : numberCandidates() }
        switch command {
        case "map":
            let rangeStart = words.count > 2 && words[2] == "file" ? 4 : 3
            guard index > rangeStart else { return numberCandidates() }
            let after = rangeEnd(words, from: rangeStart)
            if index == rangeStart + 1 && after == rangeStart { return ["pages"] + permissions + ["shared", "as"] }
            return permissions + ["shared", "as"] + (rangeStart == 4 ? ["offset"] : [])
        case "unmap", "protect", "advise", "read", "write":
            guard index > 2 else { return numberCandidates() }
            let after = rangeEnd(words, from: 2)
            var result: [String] = []
            if index == 3 && after == 2 { result.append("pages") }
            if index == after + 1 {
                switch command {
                case "protect": result += permissions
                case "advise": result += ["normal", "dontfork", "wipeonfork"]
                case "write": result += numberCandidates()
                default: break
                }
            }
            return result
        default:
            return []
        }
    }

    /// Index of the last word of a range that starts at `start` (`A`, `A pages N`, `A..B`).
    private func rangeEnd(_ words: [String], from start: Int) -> Int {
        if words.count > start + 1, words[start + 1] == "pages" || words[start + 1] == ".." { return start + 2 }
        return start
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
