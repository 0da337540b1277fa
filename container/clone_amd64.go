package container

// cloneInit is clone(2) with the child on the stack at stack, where it
// runs forkedInit(p). It returns the child's PID or the error number.
func cloneInit(flags, stack uintptr, p *forkProg) (pid, errno uintptr)

// cloneCmd is clone(2) with the child on the stack at stack, where it
// runs cmdMain(p).
func cloneCmd(flags, stack uintptr, p *forkProg) (pid, errno uintptr)

// clone3Cmd is clone3(2) with args (whose stack the child runs on), where
// the child runs cmdMain(p).
func clone3Cmd(args *cloneArgs, size uintptr, p *forkProg) (pid, errno uintptr)

// haveClone: the forked init can be used here.
const haveClone = true
