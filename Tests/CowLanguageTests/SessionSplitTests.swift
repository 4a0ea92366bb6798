import Testing
import CowEngine
@testable import CowLanguage

/// Files kept in memory, for a session whose `source` and `save` must not touch the disk.
private final class MemoryFiles: @unchecked Sendable {
    var files: [String: String] = [:]
    var reads: [String] = []

    var access: ScriptFiles {
        ScriptFiles(read: { path in
            self.reads.append(path)
            guard let text = self.files[path] else { return .failure(SystemIO.Failure(reason: "no such file in memory")) }
            return .success(SourceFile(name: path, text: text))
        }, write: { path, text, replacing in
            if !replacing, self.files[path] != nil { return .failure(SystemIO.Failure(reason: SystemIO.fileExists)) }
            self.files[path] = text
            return .success(())
        })
    }
}

/// The interpreter (state and evaluation) apart from the session's I/O.
@Suite struct SessionSplitTests {
    @Test("an Interpreter runs a script on its own: machine, variables, questions, no Session")
    func interpreterRunsAlone() {
        let sink = BufferSink()
        let interpreter = Interpreter(output: sink)
        let ok = interpreter.run(SourceFile(name: "t.cow", text: """
            spawn a
            map a anon 0x10000 pages 4 rw as heap
            write a 0x10000 pages 4 7
            let n = rss(a)
            ask "How many pages?" n
            """))
        #expect(ok)
        #expect(interpreter.variable("n") == .number(Rational(4)))
        #expect(interpreter.questions.count == 1)
        #expect(interpreter.machine.liveProcessCount == 1)
        #expect(sink.text.contains("Q1 (1 point): How many pages?"))
    }

    @Test("`source` and `save` go through the session's file access (the interpreter does no I/O)")
    func sourceAndSaveUseTheSessionsFiles() throws {
        let memory = MemoryFiles()
        memory.files["lib.cow"] = "spawn a\nmap a anon 0x10000 pages 2 rw\n"
        let sink = BufferSink()
        let session = Session(output: sink, files: memory.access)
        // Neither file exists on disk: only the in-memory access can read lib.cow and keep out.cow.
        #expect(session.run(source: "source lib.cow\nwrite a 0x10000 3\nsave out.cow\n", fileName: "t.cow"), "\(sink.text)")
        #expect(memory.reads == ["lib.cow"])
        let saved = try #require(memory.files["out.cow"])
        #expect(saved.hasSuffix("spawn a\nmap a anon 0x10000 pages 2 rw\nwrite a 0x10000 3\n"), "\(saved)")
        // `save` without `replace` refuses to clobber, through the same access.
        #expect(!session.run(source: "save out.cow\n", fileName: "t.cow"))
        #expect(sink.text.contains("out.cow exists; `save out.cow replace` replaces it"))
        // `cowsim FILE` reads its script through it too.
        memory.files["main.cow"] = "spawn b\n"
        #expect(session.run(file: "main.cow"))
        #expect(session.machine.process(named: "b") != nil)
    }

    @Test("the Session forwards the interpreter's state: one machine, one set of variables")
    func sessionForwards() {
        let session = Session(output: BufferSink())
        #expect(session.runLine("let x = 5; spawn s"))
        #expect(session.variable("x") == session.interpreter.variable("x"))
        #expect(session.machine.liveProcessCount == session.interpreter.machine.liveProcessCount)
        session.promptShowsState = false
        #expect(!session.interpreter.promptShowsState)
    }

    @Test("a repeat notes its repetition on failed `expect`s only, told by the error's kind, not its text")
    func repetitionNoteFollowsTheErrorKind() {
        // A process named "expectation failed": its death message starts like a failed expect's.
        let dead = run("""
            spawn "expectation failed"
            map "expectation failed" anon 0x10000 pages 1
            exit "expectation failed"
            repeat 2 as i
              write "expectation failed" 0x10000 1
            end
            """)
        #expect(!dead.ok)
        #expect(dead.output.contains("error: expectation failed (pid 1) has exited"), "\(dead.output)")
        #expect(!dead.output.contains("in repetition"), "\(dead.output)")
        let failed = run("repeat 3 as i\n  expect i < 1\nend\n")
        #expect(failed.output.contains("note: i = 1 (in repetition 2 of 3 of the `repeat` at line 1)"), "\(failed.output)")
    }
}
