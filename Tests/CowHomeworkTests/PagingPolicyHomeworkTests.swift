import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// FIFO, LRU and OPT as the textbooks define them (OSTEP chapter 22; Belady 1966), written here
/// independently of cowsim's policy code, to check the homework answers for any seed.
enum TextbookPaging {
    enum Policy { case fifo, lru, opt }

    /// The misses of `refs` with `frames` frames, and for each access the page evicted (nil on a
    /// hit or while a frame is free).
    static func run(_ policy: Policy, _ refs: [Int], frames: Int) -> (misses: Int, evicted: [Int?]) {
        // `memory` is kept in eviction order for FIFO (oldest load first) and LRU (least recent
        // first); for OPT in load order.
        var memory: [Int] = []
        var misses = 0
        var evicted: [Int?] = []
        for (i, page) in refs.enumerated() {
            if let k = memory.firstIndex(of: page) {
                if policy == .lru { memory.remove(at: k); memory.append(page) }
                evicted.append(nil)
                continue
            }
            misses += 1
            if memory.count < frames {
                evicted.append(nil)
            } else {
                let victim: Int
                switch policy {
                case .fifo, .lru: victim = 0
                case .opt:
                    // The page used again furthest ahead; never again counts as infinitely far.
                    func next(_ p: Int) -> Int { refs[(i + 1)...].firstIndex(of: p) ?? Int.max }
                    var best = 0
                    for k in memory.indices where next(memory[k]) >= next(memory[best]) { best = k }
                    victim = best
                }
                evicted.append(memory.remove(at: victim))
            }
            memory.append(page)
        }
        return (misses, evicted)
    }
}

/// Homework 11 (Belady's anomaly) and 12 (LRU vs OPT): every answer, for many seeds, against the
/// textbook definitions above, and the figures of the shapes worked by hand.
@Suite struct PagingPolicyHomeworkTests {
    static let classic = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
    static let lruVsOpt = [0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1]

    /// Worked on paper. FIFO, 3 frames, on 1,2,3,4,1,2,5,1,2,3,4,5: misses at accesses 1-7, 10,
    /// 11 (9); 4 frames: 1-4, 7-12 (10), and access 7 (page 5) evicts page 1. LRU, 3 frames:
    /// only accesses 8 and 9 hit (10 misses); 4 frames: 1-4, 7, 10-12 (8). Homework 12's shape
    /// 0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1 with 3 frames: LRU misses at 1-3, 5, 7-10, 13, 15 (10),
    /// evicting 1 at access 5 and 2 at access 7 (memory 0,3,2 then: 2 is least recent); OPT
    /// misses at 1-3, 5, 7, 10, 13 (7), evicting 1 at access 5, then 0 at access 7 (next uses:
    /// 2 at 8, 3 at 9, 0 at 10), 4 at access 10 (never again), 3 at access 13 (never again).
    @Test func theReferenceImplementationAgreesWithTheHandWork() {
        #expect(TextbookPaging.run(.fifo, Self.classic, frames: 3).misses == 9)
        #expect(TextbookPaging.run(.fifo, Self.classic, frames: 4).misses == 10)
        #expect(TextbookPaging.run(.fifo, Self.classic, frames: 4).evicted[6] == 1)
        #expect(TextbookPaging.run(.lru, Self.classic, frames: 3).misses == 10)
        #expect(TextbookPaging.run(.lru, Self.classic, frames: 4).misses == 8)
        let lru = TextbookPaging.run(.lru, Self.lruVsOpt, frames: 3)
        #expect(lru.misses == 10)
        #expect(lru.evicted == [nil, nil, nil, nil, 1, nil, 2, 3, 0, 4, nil, nil, 0, nil, 3, nil])
        let opt = TextbookPaging.run(.opt, Self.lruVsOpt, frames: 3)
        #expect(opt.misses == 7)
        #expect(opt.evicted == [nil, nil, nil, nil, 1, nil, 0, nil, nil, 4, nil, nil, 3, nil, nil, nil])
    }

    /// The reference string a problem prints (the echo line after its first one).
    static func printedString(_ text: String) -> [Int] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let k = lines.firstIndex(where: { $0.hasPrefix("A process accesses these pages") }), k + 1 < lines.count else { return [] }
        return lines[k + 1].split(separator: ",").compactMap { Int($0.filter { $0 != " " }) }
    }

    static func solve(_ name: String, seed: UInt64) -> (string: [Int], answers: [String]) {
        let sink = BufferSink()
        let session = Session(options: SessionOptions(seed: seed), output: sink)
        #expect(session.run(file: repositoryRoot + "/Scripts/homework/" + name), "\(name) seed \(seed)")
        return (printedString(sink.text), session.questions.map(\.answerText))
    }

    /// `string` is `shape` with its pages renamed one to one.
    static func isRenaming(_ string: [Int], of shape: [Int]) -> Bool {
        guard string.count == shape.count else { return false }
        var forward: [Int: Int] = [:], backward: [Int: Int] = [:]
        for (s, t) in zip(shape, string) {
            if forward[s, default: t] != t || backward[t, default: s] != s { return false }
            forward[s] = t
            backward[t] = s
        }
        return true
    }

    @Test func beladyAnswersForManySeeds() {
        var strings = Set<[Int]>()
        for seed: UInt64 in 0..<40 {
            let (string, answers) = Self.solve("11-belady.cow", seed: seed)
            #expect(Self.isRenaming(string, of: Self.classic), "seed \(seed): \(string)")
            strings.insert(string)
            let fifo3 = TextbookPaging.run(.fifo, string, frames: 3).misses
            let fifo4 = TextbookPaging.run(.fifo, string, frames: 4)
            let lru3 = TextbookPaging.run(.lru, string, frames: 3).misses
            let lru4 = TextbookPaging.run(.lru, string, frames: 4).misses
            let evicted: String = fifo4.evicted[6].map { String($0) } ?? "none"
            let anomaly: String = fifo4.misses > fifo3 ? "yes" : "no"
            let lruAnomaly: String = lru4 > lru3 ? "yes" : "no"
            let expected: [String] = ["\(fifo3)", evicted, "\(fifo4.misses)", anomaly, "\(lru3)", "\(lru4)", lruAnomaly]
            #expect(answers == expected, "seed \(seed)")
            // Renaming keeps the anomaly: the figures worked by hand, whatever the seed.
            #expect([fifo3, fifo4.misses, lru3, lru4] == [9, 10, 10, 8])
        }
        #expect(strings.count >= 20, "40 seeds give only \(strings.count) strings")
    }

    /// Seed 18 draws a = 1, s = 1: the classic string itself.
    @Test func seedEighteenIsTheClassicString() {
        let (string, answers) = Self.solve("11-belady.cow", seed: 18)
        #expect(string == Self.classic)
        #expect(answers == ["9", "1", "10", "yes", "10", "8", "no"])
    }

    @Test func lruVersusOptAnswersForManySeeds() {
        var strings = Set<[Int]>()
        for seed: UInt64 in 0..<40 {
            let (string, answers) = Self.solve("12-lru-vs-opt.cow", seed: seed)
            #expect(Self.isRenaming(string, of: Self.lruVsOpt), "seed \(seed): \(string)")
            strings.insert(string)
            let lru = TextbookPaging.run(.lru, string, frames: 3)
            let opt = TextbookPaging.run(.opt, string, frames: 3)
            let cold = TextbookPaging.run(.opt, string, frames: 16).misses
            let hits = string.count - opt.misses
            let gcd = Self.gcd(hits, string.count)
            let lruEvicted: String = lru.evicted[6].map { String($0) } ?? "none"
            let optEvicted: String = opt.evicted[6].map { String($0) } ?? "none"
            let rate = "\(hits / gcd)/\(string.count / gcd)"
            let expected: [String] = [lruEvicted, "\(lru.misses)", optEvicted, "\(opt.misses)", rate, "\(cold)"]
            #expect(answers == expected, "seed \(seed)")
            #expect([lru.misses, opt.misses, cold] == [10, 7, 5])
        }
        #expect(strings.count >= 20, "40 seeds give only \(strings.count) strings")
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Seed 0 draws a = 1, s = 1: pages 1-5 for the shape's 0-4.
    @Test func lruVersusOptSeedZeroWorkedByHand() {
        let (string, answers) = Self.solve("12-lru-vs-opt.cow", seed: 0)
        #expect(string == Self.lruVsOpt.map { $0 + 1 })
        #expect(answers == ["3", "10", "1", "7", "9/16", "5"])
    }

    @Test(arguments: ["11-belady.cow", "12-lru-vs-opt.cow"])
    func theProblemsGrade(_ name: String) {
        for seed: UInt64 in [0, 7] {
            let problem = Problem.load(path: repositoryRoot + "/Scripts/homework/" + name, seed: seed)
            #expect(problem.error == nil)
            let right = problem.questions.map { "\($0.number): \($0.answerText)" }.joined(separator: "\n")
            let report = problem.grade(AnswerSheet.parse(right + "\n"), reveals: true)
            #expect(report.allRight && report.score == problem.maxScore, "\(name) seed \(seed)")
            // Answering the other policy's figures gets the misses questions wrong.
            let wrong = problem.grade(AnswerSheet.parse("1: 11\n2: 11\n3: 11\n4: no\n"), reveals: true)
            #expect(!wrong.allRight && wrong.score < problem.maxScore)
        }
    }
}
