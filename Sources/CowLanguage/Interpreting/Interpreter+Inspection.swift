import CowEngine

/// Read-only questions a tool outside the language (the homework layer's solution-sheet
/// explanations) may ask about a session at the moment of an `ask`. None of them changes the
/// session: the random generator is restored, errors are swallowed (nil).
extension Interpreter {
    /// The value of `expr` now, or nil if it cannot be evaluated.
    public func peek(_ expr: Expr) -> Value? {
        let saved = random, savedDraws = draws.count
        defer { random = saved; forgetDraws(after: savedDraws) }
        return try? evaluate(expr)
    }

    /// The process a function's first argument names, as the evaluator resolves it (dead ones
    /// too), or nil.
    public func peekProcess(_ expr: Expr) -> ProcessInfo? {
        let saved = random, savedDraws = draws.count
        defer { random = saved; forgetDraws(after: savedDraws) }
        if case .word(let name) = expr.kind {
            return try? process(ProcessReference(kind: .name(name), span: expr.span), allowDead: true)
        }
        guard let value = try? evaluate(expr) else { return nil }
        return try? process(from: value, at: expr.span)
    }

    /// The address `expr` evaluates to (checked as the evaluator checks addresses), or nil.
    public func peekAddress(_ expr: Expr) -> Int? {
        let saved = random, savedDraws = draws.count
        defer { random = saved; forgetDraws(after: savedDraws) }
        return try? address(expr)
    }

    /// Whether `name` is a process (alive or dead) of the machine.
    public func isProcessName(_ name: String) -> Bool { machine.process(named: name) != nil }
}
