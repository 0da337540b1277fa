package container

// haveCloneVM: spawn can start the child vfork-style here (clone_amd64.s).
const haveCloneVM = true

// cloneVM is clone(2) with the child on the stack at stack, where it runs
// childMain(p). It returns the child's PID or the error number.
func cloneVM(flags, stack uintptr, p *spawnProg) (pid, errno uintptr)

// clone3VM is clone3(2) with args (whose stack the child runs on), where
// the child runs childMain(p).
func clone3VM(args *cloneArgs, size uintptr, p *spawnProg) (pid, errno uintptr)
