package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/cilium/ebpf/asm"
)

// ciliumDeviceFilter is the device filter written with cilium/ebpf's
// assembler, as sysdojo built it before it had its own: the oracle for
// bpf.go's encoding.
func ciliumDeviceFilter(t *testing.T, rules []DeviceRule) []byte {
	t.Helper()
	insns := asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, devCtxAccessType, asm.Word),
		asm.And.Imm32(asm.R2, 0xffff),
		asm.LoadMem(asm.R3, asm.R1, devCtxAccessType, asm.Word),
		asm.RSh.Imm32(asm.R3, 16),
		asm.LoadMem(asm.R4, asm.R1, devCtxMajor, asm.Word),
		asm.LoadMem(asm.R5, asm.R1, devCtxMinor, asm.Word),
	}
	for i, r := range rules {
		next := fmt.Sprintf("rule%d", i+1)
		typ := int32(devTypeChar)
		if r.Type == "b" {
			typ = devTypeBlock
		}
		var acc int32
		for _, c := range r.Access {
			acc |= map[rune]int32{'r': devAccRead, 'w': devAccWrite, 'm': devAccMknod}[c]
		}
		block := asm.Instructions{asm.JNE.Imm(asm.R2, typ, next)}
		if acc != devAccRead|devAccWrite|devAccMknod {
			block = append(block, asm.Mov.Reg32(asm.R1, asm.R3), asm.And.Imm32(asm.R1, acc), asm.JNE.Reg(asm.R1, asm.R3, next))
		}
		if r.Major >= 0 {
			block = append(block, asm.JNE.Imm(asm.R4, int32(r.Major), next))
		}
		if r.Minor >= 0 {
			block = append(block, asm.JNE.Imm(asm.R5, int32(r.Minor), next))
		}
		block = append(block, asm.Mov.Imm32(asm.R0, 1), asm.Return())
		if i > 0 {
			block[0] = block[0].WithSymbol(fmt.Sprintf("rule%d", i))
		}
		insns = append(insns, block...)
	}
	insns = append(insns, asm.Mov.Imm32(asm.R0, 0).WithSymbol(fmt.Sprintf("rule%d", len(rules))), asm.Return())
	var order binary.ByteOrder = binary.LittleEndian // asm takes only the two named orders
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		order = binary.BigEndian
	}
	var code bytes.Buffer
	if err := insns.Marshal(&code, order); err != nil {
		t.Fatal(err)
	}
	return code.Bytes()
}

// The device filter's bytes are those cilium/ebpf's assembler makes of
// the same program, for the default rules and for rules of every shape
// (any major or minor, every access subset).
func TestDeviceFilterEncoding(t *testing.T) {
	sets := [][]DeviceRule{
		DefaultDevices,
		nil,
		{{Type: "b", Major: 7, Minor: 0, Access: "r"}},
		{{Type: "c", Major: -1, Minor: 4, Access: "w"}, {Type: "b", Major: 8, Minor: -1, Access: "rw"}},
		{{Type: "c", Major: 10, Minor: 200, Access: "rm"}, {Type: "c", Major: -1, Minor: -1, Access: "wm"}, {Type: "b", Major: 259, Minor: 70000, Access: "rwm"}},
	}
	for i, rules := range sets {
		p, err := deviceFilter(rules)
		if err != nil {
			t.Fatal(err)
		}
		got, want := p.bytes(), ciliumDeviceFilter(t, rules)
		if !bytes.Equal(got, want) {
			t.Errorf("set %d (%v):\n got %x\nwant %x", i, rules, got, want)
		}
	}
}
