import CowEngine

/// `config swap PAGES` and `dump swap` (issue 14).
extension Interpreter {
    /// `config swap PAGES`: swap space of PAGES pages (0: none, the default), on an empty machine
    /// as every `config`. Frames, page size, profile, switches and fork mode are kept.
    func runConfigSwap(_ e: Expr, keyword: SourceSpan) throws(ScriptError) {
        let pages = try integer(e, "the number of swap pages", in: 0...MachineConfig.maxFrames)
        try requireEmptyMachine(keyword)
        var config = machine.config
        config.swapPages = pages
        replaceMachine(Machine(config: config))
        say(pages == 0 ? "config: no swap (a fault that finds no free frame kills the process)"
                       : "config: swap of \(Format.pages(pages)) (a fault that finds no free frame reclaims one)", style: .dim)
    }

    /// `dump swap`.
    func runDumpSwap() {
        let dump = SwapDump(machine: machine)
        if options.json { sayJSON(dump.json()) } else { say(lines: dump.lines()) }
    }
}
