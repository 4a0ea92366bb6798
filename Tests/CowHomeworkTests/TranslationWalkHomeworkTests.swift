import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// Homework 08 (a translation walk under the two-level layout): the answers of seeds worked on
/// paper, and for many seeds against a walk written here from the problem's own text (the
/// regions and addresses it prints), independently of cowsim's page tables.
@Suite struct TranslationWalkHomeworkTests {
    static let name = "08-translation-walk.cow"

    /// What the problem prints: the regions' starts, the address p reads, the one c would write.
    struct Printed { var heap = 0, data = 0, stack = 0, a = 0, b = 0 }

    static func solve(seed: UInt64) -> (printed: Printed, answers: [String]) {
        let sink = BufferSink()
        let session = Session(options: SessionOptions(seed: seed), output: sink)
        #expect(session.run(file: repositoryRoot + "/Scripts/homework/" + name), "seed \(seed)")
        var p = Printed()
        func hex(after prefix: String, in line: String) -> Int {
            guard let r = line.firstRange(of: prefix) else { return -1 }
            let digits = line[r.upperBound...].prefix { $0.isHexDigit }
            return Int(digits, radix: 16) ?? -1
        }
        for line in sink.text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("  heap   ") { p.heap = hex(after: "0x", in: line) }
            if line.hasPrefix("  data   ") { p.data = hex(after: "0x", in: line) }
            if line.hasPrefix("  stack  ") { p.stack = hex(after: "0x", in: line) }
            if line.hasPrefix("p reads virtual address ") { p.a = hex(after: "address 0x", in: line) }
        }
        if let q = session.questions.first(where: { $0.text.hasPrefix("What would happen if c wrote to ") }) {
            p.b = hex(after: "wrote to 0x", in: q.text)
        }
        return (p, session.questions.map(\.answerText))
    }

    /// The answers by the textbook's rules, from the printed layout: 10/10/12 bits; frames in
    /// access order (data page 0 -> 0, heap pages 0-3 -> 1-4); tables T1 (p's directory), T2
    /// (data's page table: the first access), T3 (heap's); fork: T4 (c's directory), then c's
    /// copies of the two page tables, lowest address first; c's copy-on-write copy takes frame 5.
    static func expected(_ p: Printed) -> [String] {
        let slot = { (x: Int) in x >> 22 }
        let offset = p.a & 0xfff
        let j = (p.a >> 12) - (p.heap >> 12)
        let heapTable = slot(p.heap) < slot(p.data) ? 5 : 6
        let dataTable = 11 - heapTable
        let fault: String
        let bTable: String
        if p.b >= p.heap && p.b < p.heap + 8 * 4096 {
            fault = (p.b - p.heap) >> 12 < 4 ? "b (copy-on-write)" : "a (not present)"
        } else if p.b >= p.data && p.b < p.data + 2 * 4096 {
            fault = "c (protection)"
        } else if p.b >= p.stack && p.b < p.stack + 4 * 4096 {
            fault = "a (not present)"
        } else {
            fault = "d (no region)"
        }
        if slot(p.b) == slot(p.heap) { bTable = "\(heapTable)" }
        else if slot(p.b) == slot(p.data) { bTable = "\(dataTable)" }
        else { bTable = "none" }
        return ["\(slot(p.a))", "\((p.a >> 12) & 1023)", "\(offset)", "3", "\((j + 1) * 4096 + offset)",
                "\(heapTable)", fault, bTable, "\(5 * 4096 + offset)"]
    }

    /// Seed 0 prints heap 0x5355f000, data 0x90800000, stack 0xa7400000, A = 0x53560b3c,
    /// B = 0x53561b7b. A = 0101001101 0101100000 101100111100: directory index 0x14d = 333,
    /// table index 0x160 = 352, offset 0xb3c = 2876. A's page 0x53560 is heap page 1: frame 2,
    /// 2 x 4096 + 2876 = 11068. The data read made T2, the heap write T3. c: T4, then heap's
    /// table (slot 333 < data's 0x90800000 >> 22 = 578) T5. B is heap page 2, present and
    /// shared: copy-on-write, read through T5. c's copy of A goes to frame 5: 20480 + 2876 = 23356.
    @Test func seedZeroWorkedByHand() {
        let (printed, answers) = Self.solve(seed: 0)
        #expect(printed.heap == 0x5355f000 && printed.data == 0x90800000 && printed.stack == 0xa7400000)
        #expect(printed.a == 0x53560b3c && printed.b == 0x53561b7b)
        #expect(answers == ["333", "352", "2876", "3", "11068", "5", "b (copy-on-write)", "5", "23356"])
    }

    /// Seed 1: heap 0x33dc0000, data 0x3cc00000, stack 0x7b000000, A = 0x33dc1575,
    /// B = 0x7b0017a8. A = 0011001111 0111000001 010101110101: 0xcf = 207, 0x1c1 = 449,
    /// 0x575 = 1397; heap page 1, frame 2: 8192 + 1397 = 9589. Heap's slot 207 < data's 243:
    /// c's heap table is T5. B is in the stack, never touched: not present, and its directory
    /// entry (0x1ec = 492) is empty, so the walk stops there: none. 20480 + 1397 = 21877.
    @Test func seedOneWorkedByHand() {
        let (printed, answers) = Self.solve(seed: 1)
        #expect(printed.heap == 0x33dc0000 && printed.data == 0x3cc00000 && printed.stack == 0x7b000000)
        #expect(printed.a == 0x33dc1575 && printed.b == 0x7b0017a8)
        #expect(answers == ["207", "449", "1397", "3", "9589", "5", "a (not present)", "none", "21877"])
    }

    /// Seed 7: the data below the heap. heap 0x321c3000, data 0x31c00000, A = 0x321c5efe,
    /// B = 0x31c00761. A = 0011001000 0111000101 111011111110: 0xc8 = 200, 0x1c5 = 453,
    /// 0xefe = 3838; heap page 2, frame 3: 12288 + 3838 = 16126. Data's slot 0xc7 = 199 < 200,
    /// so c's data table is T5 and its heap table T6. B is in the read-only data: protection,
    /// read through T5. 20480 + 3838 = 24318.
    @Test func seedSevenWorkedByHand() {
        let (printed, answers) = Self.solve(seed: 7)
        #expect(printed.heap == 0x321c3000 && printed.data == 0x31c00000)
        #expect(printed.a == 0x321c5efe && printed.b == 0x31c00761)
        #expect(answers == ["200", "453", "3838", "3", "16126", "6", "c (protection)", "5", "24318"])
    }

    @Test func answersForManySeeds() {
        var faults = Set<String>(), tables = Set<String>()
        for seed: UInt64 in 0..<40 {
            let (printed, answers) = Self.solve(seed: seed)
            #expect(answers == Self.expected(printed), "seed \(seed)")
            // Addresses below 4 GiB; the heap does not cross into the next slot.
            #expect(printed.stack + 4 * 4096 <= 1 << 32 && printed.heap >> 22 == (printed.heap + 8 * 4096 - 1) >> 22, "seed \(seed)")
            if answers.count == 9 {
                faults.insert(answers[6])
                tables.insert(answers[5])
            }
        }
        #expect(faults == ["a (not present)", "b (copy-on-write)", "c (protection)", "d (no region)"])
        #expect(tables == ["5", "6"])
    }

    @Test func theProblemGrades() {
        for seed: UInt64 in [0, 7] {
            let problem = Problem.load(path: repositoryRoot + "/Scripts/homework/" + Self.name, seed: seed)
            #expect(problem.error == nil)
            #expect(problem.maxScore == 14 && problem.questions.count == 9)
            // A choice is answered by its letter (`b`), as a student writes it.
            let right = problem.questions.map { "\($0.number): \($0.kind == "choice" ? String($0.answerText.prefix(1)) : $0.answerText)" }
                .joined(separator: "\n")
            let report = problem.grade(AnswerSheet.parse(right + "\n"), reveals: true)
            #expect(report.allRight && report.score == problem.maxScore, "seed \(seed)")
            // The physical address of p's read given as the virtual one's offset alone (frame 0).
            let offsetOnly = problem.grade(AnswerSheet.parse("5: \(problem.questions[2].answerText)\n"), reveals: true)
            #expect(!offsetOnly.allRight && offsetOnly.score == 0)
        }
    }
}
