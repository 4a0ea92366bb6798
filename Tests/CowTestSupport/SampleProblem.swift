/// A small homework problem shared by the grading, quiz, binary and terminal tests, so that all
/// of them check the same three questions (their expected answers are written out in each test).
public enum SampleProblem {
    /// a forks b, b writes one page; three questions (Pss of b, a shared frame, an unmapped page).
    public static let text = """
        quiet
          spawn a
          map a anon 0x10000 pages 3 rw as heap
          write a 0x10000 pages 3 1
          fork a as b
          write b 0x11000 2
        end
        echo "a forks b; b writes one page"
        ask "What is the Pss of b?" pss(b, heap) points 2 hint "two pages are shared by two"
        ask "Which frame does b map at 0x10000?" frame(b, 0x10000) hint "b has not copied this page"
        ask "What frame does b map at 0x20000?" frame(b, 0x20000)

        """
}
