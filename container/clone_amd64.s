#include "textflag.h"

// The vfork-style clones of spawn.go: the child runs on a stack of its own
// (the parent's thread is suspended until the child's execve, as with
// posix_spawn), where it calls the nosplit childMain(p), which never
// returns.

// After the system call (p in R12): the parent returns the child's PID or
// the error number; the child calls childMain(p) on its stack, and exits
// with 127 should it ever return.
#define PARENT_OR_CHILD \
	CMPQ	AX, $0; \
	JEQ	child; \
	CMPQ	AX, $0xfffffffffffff001; \
	JLS	ok; \
	MOVQ	$-1, pid+24(FP); \
	NEGQ	AX; \
	MOVQ	AX, errno+32(FP); \
	RET; \
ok: \
	MOVQ	AX, pid+24(FP); \
	MOVQ	$0, errno+32(FP); \
	RET; \
child: \
	SUBQ	$8, SP; \
	MOVQ	R12, 0(SP); \
	CALL	·childMain(SB); \
	MOVL	$127, DI; \
	MOVL	$231, AX; \
	SYSCALL; \
	INT	$3

// func cloneVM(flags, stack uintptr, p *spawnProg) (pid, errno uintptr)
TEXT ·cloneVM(SB),NOSPLIT,$0-40
	MOVQ	p+16(FP), R12
	MOVQ	flags+0(FP), DI
	MOVQ	stack+8(FP), SI
	MOVQ	$0, DX
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVL	$56, AX // SYS_clone
	SYSCALL
	PARENT_OR_CHILD

// func clone3VM(args *cloneArgs, size uintptr, p *spawnProg) (pid, errno uintptr)
TEXT ·clone3VM(SB),NOSPLIT,$0-40
	MOVQ	p+16(FP), R12
	MOVQ	args+0(FP), DI
	MOVQ	size+8(FP), SI
	MOVL	$435, AX // SYS_clone3
	SYSCALL
	PARENT_OR_CHILD
