#include "textflag.h"

// The forked init's clones, each child on a stack of its own, where it
// calls a nosplit Go function that never returns (forkedInit, cmdMain).

#define PARENT \
	CMPQ	AX, $0xfffffffffffff001; \
	JLS	ok; \
	MOVQ	$-1, pid+24(FP); \
	NEGQ	AX; \
	MOVQ	AX, errno+32(FP); \
	RET; \
ok: \
	MOVQ	AX, pid+24(FP); \
	MOVQ	$0, errno+32(FP); \
	RET

#define EXIT \
	MOVL	$127, DI; \
	MOVL	$231, AX; \
	SYSCALL; \
	INT	$3

// func cloneInit(flags, stack uintptr, p *forkProg) (pid, errno uintptr)
TEXT ·cloneInit(SB),NOSPLIT,$0-40
	MOVQ	flags+0(FP), DI
	MOVQ	stack+8(FP), SI
	MOVQ	$0, DX
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVQ	p+16(FP), R12
	MOVL	$56, AX // SYS_clone
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	PARENT
child:
	SUBQ	$8, SP
	MOVQ	R12, 0(SP)
	CALL	·forkedInit(SB)
	EXIT

// func cloneCmd(flags, stack uintptr, p *forkProg) (pid, errno uintptr)
TEXT ·cloneCmd(SB),NOSPLIT,$0-40
	MOVQ	flags+0(FP), DI
	MOVQ	stack+8(FP), SI
	MOVQ	$0, DX
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVQ	p+16(FP), R12
	MOVL	$56, AX // SYS_clone
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	PARENT
child:
	SUBQ	$8, SP
	MOVQ	R12, 0(SP)
	CALL	·cmdMain(SB)
	EXIT

// func clone3Cmd(args *cloneArgs, size uintptr, p *forkProg) (pid, errno uintptr)
TEXT ·clone3Cmd(SB),NOSPLIT,$0-40
	MOVQ	args+0(FP), DI
	MOVQ	size+8(FP), SI
	MOVQ	p+16(FP), R12
	MOVL	$435, AX // SYS_clone3
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	PARENT
child:
	SUBQ	$8, SP
	MOVQ	R12, 0(SP)
	CALL	·cmdMain(SB)
	EXIT
