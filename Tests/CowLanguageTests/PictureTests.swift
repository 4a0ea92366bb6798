import Testing
import CowEngine
@testable import CowLanguage

/// Issue 15: the picture model and its terminal, SVG and DOT renderers.
@Suite struct PictureTests {
    /// The seed story up to ls's write (shell and ls share libc's text and 15 heap pages).
    static let seed = """
        config frames 128
        library libc text 32 data 8 cached
        spawn shell
        map-library shell libc at 0x400000
        map shell anon 0x10000 pages 16 rw as heap
        read shell 0x400000 pages 32
        write shell 0x10000 pages 16 1
        fork shell as ls
        write ls 0x10000 7
        """

    static func machine(_ script: String = seed) -> Machine {
        let r = run("quiet\n" + script + "\nend")
        precondition(r.ok, r.output)
        return r.session.machine
    }

    @Test func debugPrint() {
        let m = Self.machine()
        let p = Picture.make(of: m, processes: Picture.defaultProcesses(of: m))
        for w in [40, 80, 132] {
            print(PictureText(p, width: w).lines().joined(separator: "\n"))
        }
        print(PictureSVG(p).document())
        print(PictureDOT(p).document())
    }
}
