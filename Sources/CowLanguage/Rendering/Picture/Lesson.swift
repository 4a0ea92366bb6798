import CowEngine

/// `cowsim html SCRIPT -o lesson.html`: runs a script statement by statement and writes one
/// self-contained HTML page that steps through it (see `LessonHTML`). A step is one top-level
/// statement (a whole `repeat` block is one step); after it the lesson keeps the output it
/// printed (events included), the questions it asked, and the picture of the machine, with what
/// changed since the step before highlighted. Identical pictures are stored once, so a long
/// script of steps that change little stays small.
public struct Lesson: Sendable {
    /// One step.
    public struct Step: Sendable, Equatable {
        /// First and last line of the statement (1-based).
        public var firstLine: Int
        public var lastLine: Int
        /// What it printed (events and errors included), as plain text.
        public var output: String
        /// Index into `pictures`.
        public var picture: Int
        /// Indices into `questions` of the questions it asked.
        public var questions: [Int]
        /// Connectors into frames mapped more than once, after it (the browser test checks it).
        public var arrowsToShared: Int
        /// Whether it failed (the lesson stops there).
        public var failed: Bool
    }

    /// The script's name as given.
    public var name: String
    /// The script's lines.
    public var lines: [String]
    /// The steps, in order.
    public var steps: [Step]
    /// Distinct pictures (inline SVG elements).
    public var pictures: [String]
    /// The questions asked, in order.
    public var questions: [Question]
    /// The first error, rendered, if the script failed (the lesson holds the steps up to it).
    public var error: String?

    /// The most steps a lesson holds (a script with more stops with an error).
    public static let maximumSteps = 20_000

    /// Runs `file` (a fresh session with `options`) and records its steps.
    public init(file: SourceFile, options: SessionOptions = .init()) {
        name = file.name
        lines = file.text(from: 0, to: file.bytes.count).split(separator: "\n", omittingEmptySubsequences: false).map {
            var line = String($0)
            if line.hasSuffix("\r") { line.removeLast() }
            return line
        }
        if lines.last == "" && lines.count > 1 { lines.removeLast() }
        steps = []
        pictures = []
        questions = []
        var sessionOptions = options
        sessionOptions.keepGoing = false
        sessionOptions.quiet = false
        sessionOptions.showEvents = true
        let sink = BufferSink()
        let session = Session(options: sessionOptions, output: sink)
        var asked: [Question] = []
        session.askHandler = { asked.append($0) }
        var pictureIndex: [String: Int] = [:]
        var previous: Picture?
        var parser = Parser(file: file)
        while !session.quitRequested {
            var statement: Statement
            switch parser.step() {
            case .end:
                return
            case .failure(let diagnostic):
                error = diagnostic.rendered()
                return
            case .statement(let s):
                statement = s
            }
            guard steps.count < Self.maximumSteps else {
                error = "\(file.name):\(statement.span.line): error: a lesson holds at most \(Self.maximumSteps) steps (top-level statements); put repeated commands in a `repeat` block\n"
                return
            }
            sink.clear()
            asked.removeAll()
            let ok = session.execute(statement, in: file)
            let machine = session.machine
            let picture = Picture.make(of: machine, processes: Picture.defaultProcesses(of: machine))
            let svg = PictureSVG(picture, changes: picture.changes(since: previous)).element()
            previous = picture
            let index: Int
            if let known = pictureIndex[svg] {
                index = known
            } else {
                index = pictures.count
                pictures.append(svg)
                pictureIndex[svg] = index
            }
            let text = file.text(from: statement.span.start, to: statement.span.end)
            let lastLine = statement.span.line + text.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
            let first = questions.count
            questions += asked
            steps.append(Step(firstLine: statement.span.line, lastLine: lastLine, output: sink.text,
                              picture: index, questions: Array(first..<questions.count),
                              arrowsToShared: picture.connectorsToSharedFrames, failed: !ok))
            if !ok {
                error = sink.text
                return
            }
        }
    }

    /// The page (see `LessonHTML`).
    public func html() -> String { LessonHTML(self).document() }
}
