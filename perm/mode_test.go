package perm

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

func TestLsStringParseLs(t *testing.T) {
	tests := []struct {
		mode Mode
		typ  byte
		ls   string
	}{
		{0o755, TypeRegular, "-rwxr-xr-x"},
		{0o644, TypeRegular, "-rw-r--r--"},
		{0o000, TypeRegular, "----------"},
		{0o4755, TypeRegular, "-rwsr-xr-x"},
		{0o4644, TypeRegular, "-rwSr--r--"},
		{0o2755, TypeRegular, "-rwxr-sr-x"},
		{0o2745, TypeRegular, "-rwxr-Sr-x"},
		{0o6644, TypeRegular, "-rwSr-Sr--"},
		{0o1777, TypeDir, "drwxrwxrwt"},
		{0o1776, TypeDir, "drwxrwxrwT"},
		{0o7777, TypeDir, "drwsrwsrwt"},
		{0o7000, TypeRegular, "---S--S--T"},
		{0o777, TypeSymlink, "lrwxrwxrwx"},
		{0o660, TypeBlock, "brw-rw----"},
		{0o620, TypeChar, "crw--w----"},
		{0o644, TypeFIFO, "prw-r--r--"},
		{0o755, TypeSocket, "srwxr-xr-x"},
	}
	for _, tt := range tests {
		if got := LsString(tt.mode, tt.typ); got != tt.ls {
			t.Errorf("LsString(%04o, %q) = %q, want %q", tt.mode, tt.typ, got, tt.ls)
		}
		m, typ, err := ParseLs(tt.ls)
		if err != nil || m != tt.mode || typ != tt.typ {
			t.Errorf("ParseLs(%q) = %04o %q %v, want %04o %q", tt.ls, m, typ, err, tt.mode, tt.typ)
		}
		m, typ, err = ParseLs(tt.ls[1:])
		if err != nil || m != tt.mode || typ != TypeRegular {
			t.Errorf("ParseLs(%q) = %04o %q %v, want %04o '-'", tt.ls[1:], m, typ, err, tt.mode)
		}
	}
	// Every mode and type round-trips.
	for m := Mode(0); m <= AllBits; m++ {
		for _, typ := range []byte("-dlbcps") {
			s := LsString(m, typ)
			got, gt, err := ParseLs(s)
			if err != nil || got != m || gt != typ {
				t.Fatalf("ParseLs(LsString(%04o, %q) = %q) = %04o %q %v", m, typ, s, got, gt, err)
			}
		}
	}
}

func TestParseLsInvalid(t *testing.T) {
	for _, s := range []string{"", "rwx", "rwxr-xr-", "rwxr-xr-xx-", "?rwxr-xr-x", "rwxr-xr-s", "rwtr-xr-x",
		"rwxrwtr-x", "wrxr-xr-x", "-rwxr-xr-x ", "Drwxr-xr-x", "rwxr-xr-x.", "-rwxr-xr-x+"} {
		if m, typ, err := ParseLs(s); err == nil {
			t.Errorf("ParseLs(%q) = %04o %q, want an error", s, m, typ)
		}
	}
}

func TestParseAnyTable(t *testing.T) {
	tests := []struct {
		in   string
		mode Mode
		typ  byte
		form string
	}{
		{"754", 0o754, '-', "octal"},
		{"0754", 0o754, '-', "octal"},
		{"4755", 0o4755, '-', "octal"},
		{"00644", 0o644, '-', "octal"},
		{"rwxr-xr--", 0o754, '-', "ls"},
		{"-rwsr-xr-x", 0o4755, '-', "ls"},
		{"drwxrwxrwt", 0o1777, 'd', "ls"},
		{"u=rwx,g=rx,o=r", 0o754, '-', "symbolic"},
		{"a+rwx,o-w", 0o775, '-', "symbolic"},
		{"+t", 0o1000, '-', "symbolic"},
	}
	for _, tt := range tests {
		p, err := ParseAny(tt.in)
		if err != nil || p.Mode != tt.mode || p.Type != tt.typ || p.Form != tt.form {
			t.Errorf("ParseAny(%q) = %+v %v, want %04o %q %s", tt.in, p, err, tt.mode, tt.typ, tt.form)
		}
	}
	for _, s := range []string{"", "8", "10000", "999", "rwxr-xr-", "u+z", "rwxr-xr-xx"} {
		if p, err := ParseAny(s); err == nil {
			t.Errorf("ParseAny(%q) = %+v, want an error", s, p)
		}
	}
}

func TestUmaskTable(t *testing.T) {
	tests := []struct {
		umask     Mode
		file, dir Mode
		symbolic  string
	}{
		{0o000, 0o666, 0o777, "u=rwx,g=rwx,o=rwx"},
		{0o002, 0o664, 0o775, "u=rwx,g=rwx,o=rx"},
		{0o022, 0o644, 0o755, "u=rwx,g=rx,o=rx"},
		{0o027, 0o640, 0o750, "u=rwx,g=rx,o="},
		{0o077, 0o600, 0o700, "u=rwx,g=,o="},
		{0o777, 0o000, 0o000, "u=,g=,o="},
		{0o123, 0o644, 0o654, "u=rw,g=rx,o=r"},
	}
	sh := testenv.NeedTool(t, "sh")
	for _, tt := range tests {
		u := ExplainUmask(tt.umask)
		if u.Umask != tt.umask || u.File != tt.file || u.Dir != tt.dir || u.Symbolic != tt.symbolic {
			t.Errorf("ExplainUmask(%03o) = %+v, want file %04o dir %04o %q", tt.umask, u, tt.file, tt.dir, tt.symbolic)
		}
		// The shell's own umask -S is the oracle for the symbolic form.
		out, err := exec.Command(sh, "-c", "umask "+tt.umask.String()+"; umask -S").Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != u.Symbolic {
			t.Errorf("umask %s; umask -S = %q, ExplainUmask says %q", tt.umask, got, u.Symbolic)
		}
	}
}

func TestParseUmask(t *testing.T) {
	for s, want := range map[string]Mode{"022": 0o022, "0": 0, "777": 0o777, "0777": 0o777, "00022": 0o022, "7": 0o7} {
		if got, err := ParseUmask(s); err != nil || got != want {
			t.Errorf("ParseUmask(%q) = %04o %v, want %04o", s, got, err, want)
		}
	}
	for _, s := range []string{"", "8", "1000", "+22", "-22", "u=rwx", "0x1", " 22", "22 "} {
		if got, err := ParseUmask(s); err == nil {
			t.Errorf("ParseUmask(%q) = %04o, want an error", s, got)
		}
	}
}
