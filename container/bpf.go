package container

// A small assembler for the eBPF instructions the device filter uses
// (Documentation/bpf/standardization/instruction-set.rst). Each
// instruction is 8 bytes: opcode, the destination register in the low
// nibble and the source register in the high nibble of one byte, a
// 16-bit signed offset and a 32-bit signed immediate, in the machine's
// byte order.

import "encoding/binary"

// bpfInsnSize is the size of one encoded instruction.
const bpfInsnSize = 8

// Registers.
const (
	bpfR0 = iota // return value
	bpfR1        // first argument: the context
	bpfR2
	bpfR3
	bpfR4
	bpfR5
)

// Opcode parts: class, operation and source (K: immediate, X: register).
const (
	bpfClassLdx   = 0x01
	bpfClassALU32 = 0x04
	bpfClassJmp   = 0x05
	bpfModeMem    = 0x60
	bpfSizeW      = 0x00
	bpfK          = 0x00
	bpfX          = 0x08

	bpfAnd = bpfClassALU32 | 0x50
	bpfRsh = bpfClassALU32 | 0x70
	bpfMov = bpfClassALU32 | 0xb0

	bpfJmpNe   = bpfClassJmp | 0x50
	bpfJmpExit = bpfClassJmp | 0x90
)

// bpfInsn is one instruction.
type bpfInsn struct {
	code     uint8
	dst, src uint8
	off      int16
	imm      int32
}

// bpfProg is a program.
type bpfProg []bpfInsn

// dst = *(u32 *)(src + off)
func bpfLoadWord(dst, src uint8, off int16) bpfInsn {
	return bpfInsn{code: bpfClassLdx | bpfModeMem | bpfSizeW, dst: dst, src: src, off: off}
}

// dst = (u32)dst op imm
func bpfALU32Imm(op, dst uint8, imm int32) bpfInsn {
	return bpfInsn{code: op | bpfK, dst: dst, imm: imm}
}

// dst = (u32)src
func bpfMov32Reg(dst, src uint8) bpfInsn { return bpfInsn{code: bpfMov | bpfX, dst: dst, src: src} }

// dst = (u32)imm
func bpfMov32Imm(dst uint8, imm int32) bpfInsn { return bpfALU32Imm(bpfMov, dst, imm) }

// if dst != imm: jump (the offset is set by the caller)
func bpfJneImm(dst uint8, imm int32) bpfInsn {
	return bpfInsn{code: bpfJmpNe | bpfK, dst: dst, imm: imm}
}

// if dst != src: jump (the offset is set by the caller)
func bpfJneReg(dst, src uint8) bpfInsn { return bpfInsn{code: bpfJmpNe | bpfX, dst: dst, src: src} }

// return R0
func bpfExit() bpfInsn { return bpfInsn{code: bpfJmpExit} }

// bytes encodes the program as the kernel reads it.
func (p bpfProg) bytes() []byte {
	out := make([]byte, 0, len(p)*bpfInsnSize)
	o := binary.NativeEndian
	regs := func(dst, src uint8) uint8 { return dst&0xf | src<<4 }
	if o.Uint16([]byte{0, 1}) == 1 { // big-endian: dst in the high nibble
		regs = func(dst, src uint8) uint8 { return dst<<4 | src&0xf }
	}
	for _, i := range p {
		out = append(out, i.code, regs(i.dst, i.src))
		out = o.AppendUint16(out, uint16(i.off))
		out = o.AppendUint32(out, uint32(i.imm))
	}
	return out
}
