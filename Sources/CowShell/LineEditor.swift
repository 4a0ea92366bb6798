/// Where the REPL gets its lines. `ReadlineEditor` is the real one; tests script a fake.
protocol LineEditor: AnyObject {
    /// Shows `prompt` and reads one line without its newline; nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String?
    /// Makes `line` reachable with Up-arrow and Ctrl-R.
    func addHistory(_ line: String)
}
