package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadEnvFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "env")
	os.WriteFile(p, []byte("# comment\n\nA=1\n  B=two words\nC=\"quoted\"\nFROM_HOST\nUNSET\nD=x=y\n"), 0o644)
	got, err := ReadEnvFile(p, func(k string) (string, bool) {
		if k == "FROM_HOST" {
			return "h", true
		}
		return "", false
	})
	want := "A=1|B=two words|C=\"quoted\"|FROM_HOST=h|D=x=y"
	if err != nil || strings.Join(got, "|") != want {
		t.Errorf("got %q, %v; want %s", got, err, want)
	}
	os.WriteFile(p, []byte("BAD NAME=1\n"), 0o644)
	if _, err := ReadEnvFile(p, nil); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad name: %v", err)
	}
	// not a regular file, too big, missing: refused
	if _, err := ReadEnvFile("/dev/zero", nil); err == nil {
		t.Error("/dev/zero accepted")
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, []byte(strings.Repeat("A=1\n", MaxEnvFile/4+1)), 0o644)
	if _, err := ReadEnvFile(big, nil); err == nil || !strings.Contains(err.Error(), "too big") {
		t.Errorf("big: %v", err)
	}
	if _, err := ReadEnvFile(filepath.Join(dir, "none"), nil); err == nil {
		t.Error("missing file accepted")
	}
}
