#include "textflag.h"

// The forked init's clones, each child on a stack of its own, where it
// calls a nosplit Go function that never returns (forkedInit, cmdMain).

// clone(2)'s registers: flags and the child's stack, no TIDs, no TLS.
#define CLONE_ARGS \
	MOVQ	flags+0(FP), DI; \
	MOVQ	stack+8(FP), SI; \
	MOVQ	$0, DX; \
	MOVQ	$0, R10; \
	MOVQ	$0, R8; \
	MOVL	$56, AX // SYS_clone

// After the system call (p in R12): the parent returns the child's PID or
// the error number; the child calls fn(p) on its stack, and exits with 127
// should fn ever return.
#define PARENT_OR_CHILD(fn) \
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
	CALL	fn(SB); \
	MOVL	$127, DI; \
	MOVL	$231, AX; \
	SYSCALL; \
	INT	$3

// func cloneInit(flags, stack uintptr, p *forkProg) (pid, errno uintptr)
TEXT ·cloneInit(SB),NOSPLIT,$0-40
	MOVQ	p+16(FP), R12
	CLONE_ARGS
	SYSCALL
	PARENT_OR_CHILD(·forkedInit)

// func cloneCmd(flags, stack uintptr, p *forkProg) (pid, errno uintptr)
TEXT ·cloneCmd(SB),NOSPLIT,$0-40
	MOVQ	p+16(FP), R12
	CLONE_ARGS
	SYSCALL
	PARENT_OR_CHILD(·cmdMain)

// func clone3Cmd(args *cloneArgs, size uintptr, p *forkProg) (pid, errno uintptr)
TEXT ·clone3Cmd(SB),NOSPLIT,$0-40
	MOVQ	p+16(FP), R12
	MOVQ	args+0(FP), DI
	MOVQ	size+8(FP), SI
	MOVL	$435, AX // SYS_clone3
	SYSCALL
	PARENT_OR_CHILD(·cmdMain)
