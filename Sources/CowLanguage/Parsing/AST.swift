import CowEngine

/// One statement of a script: a command or a block, with the `#>` expected-output lines that
/// follow it (transcript checks compare them with the real output; a plain run ignores them).
public struct Statement: Sendable {
    /// How the parser stored it: a resolved page access (the bulk of a long trace-like script,
    /// kept as plain data so that it is made, moved and dropped without allocation or reference
    /// counting), or the general syntax tree with everything else.
    enum Form: Sendable {
        case access(PageAccess)
        indirect case general(General)
    }

    /// A statement in its general form.
    struct General: Sendable {
        var kind: StatementKind
        var span: SourceSpan
        var expectedOutput: [String]
        var expectedOutputLine: Int
    }

    /// The stored form (the interpreter runs a resolved access directly).
    var form: Form

    /// A statement without expected output.
    public init(kind: StatementKind, span: SourceSpan, expectedOutput: [String] = [], expectedOutputLine: Int = 0) {
        form = .general(General(kind: kind, span: span, expectedOutput: expectedOutput, expectedOutputLine: expectedOutputLine))
    }

    /// A resolved page access (see `PageAccess`).
    init(access: PageAccess) {
        form = .access(access)
    }

    /// The statement in its general form (a resolved access as the `.read` or `.write` command it
    /// stands for).
    private var general: General {
        switch form {
        case .access(let access):
            return General(kind: .command(access.command, keyword: access.keyword), span: access.span, expectedOutput: [],
                           expectedOutputLine: 0)
        case .general(let general):
            return general
        }
    }

    /// What to do. A resolved page access shows as the `.read` or `.write` command it stands for.
    public var kind: StatementKind {
        get { general.kind }
        set {
            var changed = general
            changed.kind = newValue
            form = .general(changed)
        }
    }

    /// The statement's text in its source (a block spans from its keyword to its `end`).
    public var span: SourceSpan {
        get {
            if case .access(let access) = form { return access.span }
            return general.span
        }
        set {
            var changed = general
            changed.span = newValue
            form = .general(changed)
        }
    }

    /// The `#> ` lines right after it, without the `#> ` prefix.
    public var expectedOutput: [String] {
        get {
            if case .access = form { return [] }
            return general.expectedOutput
        }
        set {
            var changed = general
            changed.expectedOutput = newValue
            form = .general(changed)
        }
    }

    /// Line number of the first `#>` line (0 when there are none).
    public var expectedOutputLine: Int {
        get {
            if case .access = form { return 0 }
            return general.expectedOutputLine
        }
        set {
            var changed = general
            changed.expectedOutputLine = newValue
            form = .general(changed)
        }
    }

    /// Whether `save` replays it: everything but `source` (replaced by the commands it ran),
    /// `save`, `help` and `quit`.
    /// Whether the statement runs other statements (a block, `expect-error`), so that when it
    /// fails some of them may have changed the machine already.
    var mayFailPartWay: Bool {
        guard case .general(let general) = form else { return false }
        if case .command = general.kind { return false }
        return true
    }

    var isReplayable: Bool {
        guard case .general(let general) = form, case .command(let command, _) = general.kind else { return true }
        switch command {
        case .source, .save, .help, .quit: return false
        case .draw(let draw) where draw.target != nil: return false   // replaying would write the file again
        default: return true
        }
    }
}

/// Commands and the blocks that group them.
public indirect enum StatementKind: Sendable {
    /// One command.
    case command(Command, keyword: SourceSpan)
    /// `repeat N [as VAR] ... end`: the body N times; VAR counts 0, 1, ... N-1.
    case repeatBlock(count: Expr, variable: Name?, body: [Statement])
    /// `quiet CMD` or `quiet ... end`: run without output (errors and questions still show).
    case quiet([Statement])
    /// `show CMD` or `show ... end`: output on again inside a quiet block.
    case show([Statement])
    /// `expect-error ["TEXT"] CMD`: the command must fail (with a message containing TEXT); its
    /// error is printed as ordinary output and the script goes on.
    case expectError(StringLiteral?, Statement)
}

/// A name written in the script (variable, region, file, profile) and where.
public struct Name: Sendable, Equatable {
    /// The text.
    public var text: String
    /// Where.
    public var span: SourceSpan
    /// A name from its parts.
    public init(_ text: String, span: SourceSpan) {
        self.text = text
        self.span = span
    }
}

/// A name given either as a word (`heap`) or as a string with interpolation (`"app{i}"`).
public struct NameArgument: Sendable {
    /// The two spellings.
    public enum Kind: Sendable {
        case word(String)
        case string(StringLiteral)
    }
    /// Which spelling.
    public var kind: Kind
    /// Where.
    public var span: SourceSpan
}

/// How a command names a process: by name (`ls`), by pid (`2`, `(n + 1)`), or by a string
/// (`"app{i}"`).
public struct ProcessReference: Sendable {
    /// The spellings.
    public enum Kind: Sendable {
        case name(String)
        case pid(Expr)
        case string(StringLiteral)
    }
    /// Which spelling.
    public var kind: Kind
    /// Where.
    public var span: SourceSpan
}

/// A range of addresses: `ADDR` (one page), `ADDR pages N`, or `ADDR..END` (every page holding a
/// byte in [ADDR, END)).
public struct RangeArgument: Sendable {
    /// The three forms.
    public enum Extent: Sendable {
        case single
        case pages(Expr)
        case end(Expr)
    }
    /// The first address (bytes).
    public var start: Expr
    /// How far it reaches.
    public var extent: Extent
    /// The whole range as written.
    public var span: SourceSpan
}

/// A string literal: text and `{expr}` pieces.
public struct StringLiteral: Sendable {
    /// A piece.
    public enum Part: Sendable {
        case text(String)
        case expression(Expr)
    }
    /// The pieces in order.
    public var parts: [Part]
    /// Where (including the quotes).
    public var span: SourceSpan
}

/// What `dump` shows.
public enum DumpTarget: Sendable {
    /// The physical frame table.
    case frames
    /// One physical frame with every mapping of it (`dump frame N`).
    case frame(Expr)
    /// A process's page table.
    case process(ProcessReference)
    /// The swap slots in use and the entries naming each (`dump swap`).
    case swap
    /// The TLB entries of a process's address space (`dump P tlb`, Interpreter+TLB.swift).
    case tlb(ProcessReference)
    /// A process's page-table pages as a tree (`dump P tables`, issue 13).
    case tables(ProcessReference)
}

/// Where `map` takes its pages from.
public enum MapSource: Sendable {
    /// Anonymous memory.
    case anonymous
    /// A file, from page `offset` on.
    case file(NameArgument, offset: Expr?)
}

/// Everything `map` says.
public struct MapCommand: Sendable {
    /// The process.
    public var process: ProcessReference
    /// Anonymous or file.
    public var source: MapSource
    /// Where and how large.
    public var range: RangeArgument
    /// Permissions (nil: `rw` for anonymous memory, `r` for files) and where they were written.
    public var permissions: (Permissions, SourceSpan)?
    /// `shared` (MAP_SHARED) instead of private.
    public var shared: Bool
    /// `as NAME`.
    public var name: NameArgument?
    /// `populate` (MAP_POPULATE): every page is faulted in at once.
    public var populate = false
}

/// `config page-tables x86_64|two-level|custom [levels N bits BITS] [page-size BYTES]`.
public struct PageTablesConfig: Sendable {
    /// `x86_64`, `two-level` or `custom`.
    public var layout: String
    /// `levels N` (custom only).
    public var levels: Expr?
    /// `bits BITS` per level (custom only).
    public var bits: Expr?
    /// `page-size BYTES` (custom only; the presets have 4096).
    public var pageSize: Expr?
    /// The trailing word `frames`: table pages take frames from the pool.
    public var frames: Bool = false
}

/// `ask "question" EXPR [choices "A" "B" ...] [points N] [hint "..."]`.
public struct AskCommand: Sendable {
    /// The question (may interpolate).
    public var question: StringLiteral
    /// The answer, evaluated when the question is asked.
    public var answer: Expr
    /// Points (default 1).
    public var points: Expr?
    /// A hint shown after a wrong answer.
    public var hint: StringLiteral?
    /// The choices of a multiple-choice question (empty otherwise).
    public var choices: [StringLiteral] = []
}

/// Every command of the language (Grammar.md describes each). Indirect: a statement stays one
/// pointer wide, so a million-line script does not copy big payloads around.
public indirect enum Command: Sendable {
    case configFrames(Expr)
    case configPageSize(Expr)
    /// `config swap PAGES` (Interpreter+Swap.swift).
    case configSwap(Expr)
    case profile(Profile)
    case setFork(ForkMode)
    case setSwitch(Name, on: Bool)
    case setPrompt(on: Bool)
    /// `set steps N`: the step budget of each run (see `StepBudget`).
    case setSteps(Expr)
    case library(NameArgument, text: Expr, data: Expr, cached: Bool)
    case file(NameArgument, pages: Expr, cached: Bool)
    case spawn(NameArgument?)
    case map(MapCommand)
    case mapLibrary(ProcessReference, library: NameArgument, at: Expr)
    case unmap(ProcessReference, RangeArgument)
    case msync(ProcessReference, RangeArgument)
    case mremap(ProcessReference, RangeArgument, to: Expr)
    /// `mremap P RANGE size N`: grows or shrinks one whole region in place.
    case mremapResize(ProcessReference, RangeArgument, size: Expr)
    /// `mlock P RANGE` / `munlock P RANGE`.
    case mlock(ProcessReference, RangeArgument, lock: Bool)
    case protect(ProcessReference, RangeArgument, Permissions)
    case advise(ProcessReference, RangeArgument, MemoryAdvice)
    case fork(ProcessReference, childName: NameArgument?)
    case vfork(ProcessReference, childName: NameArgument?)
    case exec(ProcessReference)
    case exit(ProcessReference)
    case read(ProcessReference, RangeArgument)
    case write(ProcessReference, RangeArgument, value: Expr)
    case dump(DumpTarget, everyPage: Bool)
    /// `smaps P [wide|narrow]`; no layout: wide, or narrow on a terminal narrower than the table.
    case smaps(ProcessReference, layout: SmapsLayout?)
    case stats
    case check
    case dropCaches
    /// Files with contents and state (Interpreter+Files.swift): `pwrite F [offset N] [pages M]
    /// VALUE`, `fsync F`, `sync`, `truncate F pages N`, `file NAME pages N tmpfs`, `config readahead N`.
    case pwrite(NameArgument, offset: Expr?, pages: Expr?, value: Expr)
    case fsync(NameArgument)
    case sync
    case truncate(NameArgument, pages: Expr)
    case tmpfsFile(NameArgument, pages: Expr)
    case configReadahead(Expr)
    /// `config tlb N` (Interpreter+TLB.swift).
    case configTLB(Expr)
    /// `config page-tables ...` (issue 13, Interpreter+PageTables.swift).
    case configPageTables(PageTablesConfig)
    /// `translate P ADDR [read|write]` (issue 13).
    case translate(ProcessReference, Expr, write: Bool)
    case echo(StringLiteral?)
    case echoValue(Expr)
    case assign(Name, Expr)
    case expect(Expr)
    case ask(AskCommand)
    case source(path: String, span: SourceSpan)
    /// `save FILE` (refuses to replace an existing file) or `save FILE replace`.
    case save(path: String, span: SourceSpan, replace: Bool)
    case reset
    case help(topic: Name?)
    case quit
    /// `draw [P ...] [to FILE [replace]]` and `draw P REGION ...` (Rendering/Picture/).
    case draw(DrawCommand)
    /// `set draw on|off`: the REPL draws the machine after every line.
    case setDraw(on: Bool)
    /// `set backend sim|kernel`: run memory operations also on another backend (Session+Backend.swift).
    case setBackend(Name)
    /// `set policy NAME`: the page replacement policy (Interpreter+Trace.swift).
    case setPolicy(ReplacementPolicy)
    /// `trace P ADDR read|write LIST [show|quiet]` (Parser+Trace.swift, Interpreter+Trace.swift).
    case trace(TraceCommand)
}

/// An expression: exact rational arithmetic, comparisons, logic, function calls.
public struct Expr: Sendable {
    /// The node.
    public var kind: ExprKind
    /// Where it is written.
    public var span: SourceSpan
    /// A node from its parts.
    public init(_ kind: ExprKind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// Unary operators.
public enum UnaryOperator: String, Sendable { case negate = "-", not = "not" }

/// Binary operators.
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
}

/// The kinds of expression node.
public enum ExprKind: Sendable {
    case number(Rational)
    case none
    case boolean(Bool)
    /// A bare word: a variable, or (as a function's first argument) a process or region name.
    case word(String)
    case string(StringLiteral)
    indirect case unary(UnaryOperator, Expr)
    indirect case binary(BinaryOperator, Expr, Expr)
    case call(Name, [Expr])
}
