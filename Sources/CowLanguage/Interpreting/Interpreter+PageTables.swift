import CowEngine

// `config page-tables` (issue 13): the page-table layout, and its figures.

extension Interpreter {
    /// `config page-tables x86_64|two-level|custom [levels N bits BITS] [page-size BYTES]`.
    func runConfigPageTables(_ c: PageTablesConfig, keyword: SourceSpan) throws(ScriptError) {
        let layout: PageTableLayout
        switch c.layout {
        case "custom":
            guard let levelsExpr = c.levels, let bitsExpr = c.bits else {
                throw fail("`custom` needs its levels: `config page-tables custom levels N bits BITS`", at: keyword,
                           notes: ["for example `config page-tables custom levels 3 bits 9` (x86-64 with 39-bit addresses, as RISC-V Sv39)"])
            }
            let levels = try integer(levelsExpr, "the number of levels", in: 1...PageTableLayout.maxLevels)
            let bits = try integer(bitsExpr, "the bits per level", in: 1...16)
            var shift = 12
            if let sizeExpr = c.pageSize {
                let size = try integer(sizeExpr, "the page size", in: MachineConfig.pageSizes)
                guard size & (size - 1) == 0 else { throw fail("the page size must be a power of two, found \(size)", at: sizeExpr.span) }
                shift = size.trailingZeroBitCount
            }
            let custom = PageTableLayout(levelBits: Array(repeating: bits, count: levels), pageShift: shift)
            do {
                try custom.validate()
            } catch {
                throw fail(error.description, at: levelsExpr.span.through(c.pageSize?.span ?? bitsExpr.span))
            }
            layout = custom
        default:
            if let extra = c.levels ?? c.pageSize {
                throw fail("the `\(c.layout)` layout is fixed; only `custom` takes levels, bits and a page size", at: extra.span,
                           notes: ["`config page-tables custom levels N bits BITS [page-size BYTES]`"])
            }
            layout = c.layout == "two-level" ? .twoLevel : .x86_64
        }
        try requireEmptyMachine(keyword)
        var config = machine.config
        config.pageTables = layout
        config.pageSize = layout.pageSize
        replaceMachine(Machine(config: config))
        say("config: page tables \(layout)", style: .dim)
    }

    /// `config page-size` after a chosen layout must agree with it.
    func checkPageSizeAgainstLayout(_ size: Int, at span: SourceSpan) throws(ScriptError) {
        guard let layout = machine.config.pageTables, layout.pageSize != size else { return }
        throw fail("the page-table layout fixes the page size at \(layout.pageSize) bytes", at: span,
                   notes: ["give the page size in `config page-tables custom levels N bits BITS page-size BYTES`"])
    }
}

extension Interpreter {
    /// `dump P tables`.
    func runDumpTables(_ ref: ProcessReference) throws(ScriptError) {
        let info = try process(ref)
        say(lines: PageTableText.tree(machine, info))
    }

    /// `translate P ADDR [read|write]`: reads the machine only.
    func runTranslate(_ ref: ProcessReference, _ addressExpr: Expr, write: Bool) throws(ScriptError) {
        let info = try process(ref)
        let address = try self.address(addressExpr)
        guard info.isAlive else { throw fail("\(info.name) is \(info.state): it has no address space to translate in", at: ref.span) }
        let m = machine
        let vpn = address / m.pageSize
        let t: Translation
        do {
            t = try m.translate(info.pid, vpn: vpn)
        } catch {
            throw fail(error.description, at: addressExpr.span)
        }
        say(lines: PageTableText.translation(m, info, address: address, write: write, t))
    }
}
