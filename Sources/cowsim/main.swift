// The `cowsim` executable: argument parsing only. Everything it does lives in CowLanguage
// (scripts), CowHomework (quiz, solve, test, transcript checks) and CowShell (the REPL).
import ArgumentParser
import CowHomework
import CowLanguage
import CowShell
import CowKernel

/// The root command. Subcommands (quiz, solve, test, ...) are added to `subcommands`; `run` is the
/// default, so `cowsim script.cow` and `cowsim -c 'stats'` need no subcommand name.
struct Cowsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cowsim",
        abstract: "A simulator that teaches how operating systems share memory: paging, copy-on-write fork, shared libraries.",
        usage: "cowsim [--json] [--keep-going] [--seed <seed>] [--quiet] [-c <commands> ...] [<file> ...]\ncowsim --verify <file> | --update <file>\ncowsim quiz|solve|test|html|kernel|compare ...",
        discussion: """
            cowsim FILE...         run scripts in order (`-` reads standard input)
            cowsim -c 'CMD; CMD'   run commands
            cowsim                 start the interactive shell on a terminal
            cowsim --verify FILE   compare a script's output with its `#>` lines
            cowsim --update FILE   rewrite a script's `#>` lines from its output
            cowsim quiz FILE       answer a homework problem (--answers FILE grades a file)
            cowsim solve FILE      print a homework problem's solution sheet
            cowsim test [PATH...]  run every .cow script under the paths as a test
            cowsim grammar --markdown  print Grammar.md's command reference (from the command table)
            cowsim html FILE -o lesson.html  write a step-by-step web lesson of a script
            cowsim kernel FILE...  run scripts on the host kernel (real processes; Linux)
            cowsim compare FILE... [--json]  simulator (profile linux) vs kernel, figure by figure
            Options of a run (--json, --keep-going, --seed, -c): `cowsim help run`.
            Inside cowsim, `help` lists the commands; Grammar.md describes the language.
            """,
        version: "cowsim \(CowsimVersion.number)",
        subcommands: [Run.self, QuizCommand.self, Solve.self, TestCommand.self, GrammarCommand.self, KernelCommand.self, CompareCommand.self, HtmlCommand.self],
        defaultSubcommand: Run.self
    )
}

/// Runs scripts and commands (the default subcommand).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run cowsim scripts and commands (the default).")

    /// Options shared by every subcommand that runs scripts.
    struct Common: ParsableArguments {
        @Flag(help: "Print dump, smaps and stats as JSON.")
        var json = false

        @Flag(help: "Report an error and go on instead of stopping at the first one.")
        var keepGoing = false

        @Option(parsing: .unconditional, help: "Seed of random() and choose() (same seed, same problem; default 0).", transform: Seed.parse)
        var seed: Seed = Seed(0)

        @Flag(name: [.short, .long], help: "Print only errors, questions and `show` output (as if inside `quiet`).")
        var quiet = false

        @Option(help: ArgumentHelp("Stop a run after N steps (repetitions of `repeat` and the commands in them; default 10^9).",
                                   valueName: "N"))
        var steps: Int = StepBudget.defaultLimit

        func validate() throws {
            if steps < 1 { throw ValidationError("--steps must be at least 1, found \(steps)") }
        }

        /// The session options these flags stand for.
        var sessionOptions: SessionOptions {
            var options = SessionOptions(json: json, keepGoing: keepGoing, seed: seed.value, quiet: quiet)
            options.steps = steps
            return options
        }
    }

    @OptionGroup var common: Common

    @Option(name: .customShort("c"), help: ArgumentHelp("Run COMMANDS (separated by `;`) after the files.", valueName: "commands"))
    var commands: [String] = []

    @Argument(help: ArgumentHelp("Scripts to run in order; `-` reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Run FILE and compare each command's output with its `#>` lines (unified diff on mismatch); `-` reads the script from standard input.", valueName: "file"))
    var verify: String?

    @Option(help: ArgumentHelp("Run FILE and rewrite its `#>` lines from the real output.", valueName: "file"))
    var update: String?

    func validate() throws {
        if verify != nil && update != nil { throw ValidationError("--verify and --update cannot be combined") }
        if (verify != nil || update != nil) && !(files.isEmpty && commands.isEmpty) {
            throw ValidationError("--verify and --update take one script, without other files or -c")
        }
        if update == "-" { throw ValidationError("--update rewrites a script file in place; it cannot update standard input (--verify - checks it)") }
    }

    func run() throws {
        if let path = verify ?? update {
            let check = verify != nil ? Transcript.verify : Transcript.update
            let status = check(path, common.sessionOptions, ScriptRunner.standardOutput())
            if status != 0 { throw ExitCode(status) }
            return
        }
        if files.isEmpty && commands.isEmpty && ScriptRunner.standardInputIsTerminal {
            let status = REPL.run(sessionOptions: common.sessionOptions) { $0.backendFactory = KernelBackend.factory }
            if status != 0 { throw ExitCode(status) }
            return
        }
        var inputs: [ScriptRunner.Input] = files.map { .file($0) } + commands.map { .commands($0) }
        if inputs.isEmpty { inputs = [.file("-")] }
        let status = ScriptInterrupts.run(inputs, options: common.sessionOptions, output: ScriptRunner.standardOutput())
        if status != 0 { throw ExitCode(status) }
    }
}

/// Prints the command reference generated from the command table (Grammar.md's section).
struct GrammarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grammar", abstract: "Print the command reference that Grammar.md holds, generated from the command table.")

    @Flag(help: "The command reference as Markdown, as in Grammar.md (the default).")
    var markdown = false

    @Flag(help: "The `command` rule of Grammar.md's EBNF.")
    var ebnf = false

    func run() throws {
        print(ebnf ? GrammarReference.ebnfCommandRule() : GrammarReference.markdown(), terminator: ebnf ? "\n" : "")
    }
}

// A kernel-backend participant (a re-executed cowsim) serves its controller and never returns.
KernelParticipant.runIfRequested()
Cowsim.main()
