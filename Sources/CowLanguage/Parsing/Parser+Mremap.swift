/// `mremap P RANGE to ADDR | mremap P RANGE size N`: both forms start alike, so the word after
/// the range chooses (the generic matcher chooses a form by its first word only).
extension Parser {
    mutating func parseMremap(_ k: Lexeme) throws(Diagnostic) -> Command {
        let process = try parseProcess(after: k)
        let range = try parseRange(after: previousToken, countMayFollow: false)
        let clause = current
        switch word(clause) {
        case "to":
            advance()
            guard !current.endsStatement else { throw expected("an address", after: clause) }
            return .mremap(process, range, to: try parseOperand(after: clause))
        case "size":
            advance()
            guard !current.endsStatement else { throw expected("the new size in pages", after: clause) }
            return .mremapResize(process, range, size: try parseOperand(after: clause))
        default:
            throw expected("`to` or `size`", after: previousToken)
        }
    }
}
