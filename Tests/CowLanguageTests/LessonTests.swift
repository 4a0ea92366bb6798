import Testing
import CowEngine
@testable import CowLanguage

/// Issue 15: `cowsim html`'s lesson: steps, pictures stored once, questions, escaping.
@Suite struct LessonTests {
    static func lesson(_ text: String, name: String = "t.cow") -> Lesson {
        Lesson(file: SourceFile(name: name, text: text))
    }

    @Test func theSeedStoryHasAStepPerTopLevelStatement() throws {
        let text = try #require(readRepositoryFile("Scripts/examples/seed-story.cow"))
        let lesson = Lesson(file: SourceFile(name: "seed-story.cow", text: text))
        #expect(lesson.error == nil)
        #expect(lesson.steps.count == 31)
        #expect(lesson.steps.first?.firstLine == 5)   // config frames 128 (lines 1-4 are comments)
        let write = try #require(lesson.steps.first { $0.firstLine == 25 })   // write ls 0x10000 7
        #expect(write.output == "copy   ls 0x10000: copy-on-write, frame 40 copied to frame 56\n")
        #expect(write.arrowsToShared == 4)   // libc.text and heap 0x11000, from each process
        let fork = try #require(lesson.steps.first { $0.firstLine == 18 })
        #expect(fork.arrowsToShared == 4)    // libc.text and the whole heap, from each process
        // Pictures are stored once: `expect` and `echo` steps change nothing.
        #expect(lesson.pictures.count < lesson.steps.count)
        // The step after the write highlights what changed; the one after it does not.
        let index = try #require(lesson.steps.firstIndex { $0.firstLine == 25 })
        #expect(lesson.pictures[lesson.steps[index].picture].contains("class=\"entry changed\""))
        #expect(!lesson.pictures[lesson.steps[index + 1].picture].contains("changed"))
    }

    @Test func aBlockIsOneStepSpanningItsLines() {
        let lesson = Self.lesson("spawn a\nmap a anon 0x1000 pages 4\nrepeat 4 as i\n  write a (0x1000 + i * page_size) i\nend\necho \"done\"\n")
        #expect(lesson.steps.map { "\($0.firstLine)-\($0.lastLine)" } == ["1-1", "2-2", "3-5", "6-6"])
        #expect(lesson.lines.count == 6)
    }

    @Test func questionsAreKeptWithTheirAnswers() {
        let lesson = Self.lesson("spawn a\nask \"How many processes?\" 1 + 0 hint \"count\"\nask \"Which?\" \"b\" choices \"a\" \"b\"")
        #expect(lesson.questions.map(\.heading) == ["Q1 (1 point): How many processes?", "Q2 (1 point): Which?"])
        #expect(lesson.steps.map(\.questions) == [[], [0], [1]])
        let page = lesson.html()
        #expect(page.contains("\"answer\":\"1\""))
        #expect(page.contains("\"answer\":\"b (b)\""))
        // Answers are in the data only: the page shows them behind a click (<details>).
        #expect(page.contains("document.createElement(\"details\")"))
    }

    @Test func textFromTheScriptCannotBreakOutOfThePage() {
        let lesson = Self.lesson("echo \"</script><img src=x onerror=alert(1)>\"\n# <b>bold</b> & more\n")
        let page = lesson.html()
        #expect(page.components(separatedBy: "</script>").count == 2)   // only the page's own
        #expect(!page.contains("<img"))
        #expect(page.contains("<code># &lt;b&gt;bold&lt;/b&gt; &amp; more</code>"))
        #expect(page.contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"))
    }

    @Test func anErrorEndsTheLessonAndIsShown() {
        let lesson = Self.lesson("spawn a\nwrite b 0x1000 1\nspawn c\n")
        #expect(lesson.steps.count == 2)
        #expect(lesson.steps.last?.failed == true)
        #expect(lesson.error?.hasPrefix("t.cow:2:7: error: no process named `b`") == true)
        #expect(lesson.html().contains("The script stopped with an error"))
    }

    @Test func identicalPicturesAreStoredOnceInALongLesson() {
        let text = "spawn a\nmap a anon 0x1000 pages 1\n" + String(repeating: "write a 0x1000 1\n", count: 1_000)
        let lesson = Self.lesson(text)
        #expect(lesson.steps.count == 1_002)
        // spawn and map (nothing present yet: the same picture), the first write (changed), later writes.
        #expect(lesson.pictures.count == 3)
        #expect(lesson.html().utf8.count < 400_000)
    }

    @Test func picturesShareTheirLinesInThePage() {
        // 150 steps, each writing a new page: 150 different pictures, each a little longer.
        var text = "config frames 512\nspawn a\nmap a anon 0x10000 pages 300 as heap\n"
        for k in 0..<150 { text += "write a \(0x10000 + 2 * k * 4096) 1\n" }
        let lesson = Self.lesson(text)
        #expect(lesson.pictures.count >= 150)
        let stored = lesson.pictures.reduce(0) { $0 + $1.utf8.count }
        #expect(lesson.html().utf8.count < stored / 4, "the page stores every picture whole")
    }
}
