//go:build !amd64

package container

// haveCloneVM: no vfork-style clone here; spawn starts the child with
// fork semantics (its own copy of memory), which runs the same ops.
const haveCloneVM = false

func cloneVM(flags, stack uintptr, p *spawnProg) (pid, errno uintptr) { panic("no cloneVM") }

func clone3VM(args *cloneArgs, size uintptr, p *spawnProg) (pid, errno uintptr) { panic("no clone3VM") }
