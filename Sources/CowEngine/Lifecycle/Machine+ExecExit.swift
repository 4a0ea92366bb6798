// exec, exit, and the common end of a process (also used by kills).

extension Machine {
    /// Replaces the process's address space with an empty one (the new program maps its own).
    /// A vfork child gives the borrowed space back and its parent resumes.
    public mutating func exec(_ pid: PID) throws(EngineError) {
        let i = try runningIndex(pid)
        if procs[i].borrowsFrom != nil {
            procs[i].borrowsFrom = nil
            newTopTable(i)
            note(.execed(pid: pid, framesFreed: 0))
            resumeVforkParent(of: i)
            return
        }
        let freed = tearDown(i)
        newTopTable(i)
        note(.execed(pid: pid, framesFreed: freed))
    }

    /// Ends the process: mappings are torn down (anonymous frames nobody maps are freed;
    /// page-cache frames stay cached until `dropCaches`). A vfork parent resumes.
    public mutating func exit(_ pid: PID) throws(EngineError) {
        let i = try runningIndex(pid)
        let borrowed = procs[i].borrowsFrom != nil
        let freed = borrowed ? 0 : tearDown(i)
        procs[i].state = .exited
        liveCount -= 1
        procs[i].borrowsFrom = nil
        note(.exited(pid: pid, framesFreed: freed))
        if borrowed { resumeVforkParent(of: i) }
    }

    /// Ends process `i` with `state` (a kill): tears its own address space down, or gives a
    /// borrowed one back and resumes the vfork parent. Returns the frames freed.
    mutating func terminate(_ i: Int, _ state: ProcessState) -> Int {
        let borrowed = procs[i].borrowsFrom != nil
        let freed = borrowed ? 0 : tearDown(i)
        procs[i].state = state
        if !state.isAlive { liveCount -= 1 }
        procs[i].borrowsFrom = nil
        if borrowed { resumeVforkParent(of: i) }
        return freed
    }

    /// Lets the parent waiting for vfork child `i` run again.
    mutating func resumeVforkParent(of i: Int) {
        guard let parent = procs[i].parent, parent >= 1, parent <= procs.count,
              procs[parent - 1].state == .suspended(child: procs[i].pid) else { return }
        procs[parent - 1].state = .running
        note(.resumed(pid: parent))
    }
}
