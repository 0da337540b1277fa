package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func refused(err error) bool {
	var ie *i18n.Error
	return errors.As(err, &ie) && ie.Kind == i18n.KindInvalid
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	rec := RecordPath(filepath.Join(dir, "state"))
	out := filepath.Join(dir, "out.md")
	opt := Options{Record: rec}
	if err := Write(out, []byte("one\n"), opt); err != nil {
		t.Fatal(err)
	}
	// sysdojo's own file is replaced without --force.
	if err := Write(out, []byte("two\n"), opt); err != nil || read(t, out) != "two\n" {
		t.Fatalf("rewriting sysdojo's own output: %v, %q", err, read(t, out))
	}
	// Edited since: kept.
	os.WriteFile(out, []byte("two, and my remark\n"), 0o644)
	if err := Write(out, []byte("three\n"), opt); !refused(err) || read(t, out) != "two, and my remark\n" {
		t.Errorf("over an edited output: %v, %q", err, read(t, out))
	}
	// Someone's file: kept; forced: replaced.
	mine := filepath.Join(dir, "mine.txt")
	os.WriteFile(mine, []byte("mine\n"), 0o600)
	if err := Write(mine, []byte("x\n"), opt); !refused(err) || read(t, mine) != "mine\n" {
		t.Errorf("over a foreign file: %v, %q", err, read(t, mine))
	}
	if err := Write(mine, []byte("x\n"), Options{Record: rec, Force: true}); err != nil || read(t, mine) != "x\n" {
		t.Errorf("forced: %v, %q", err, read(t, mine))
	}
	// With no record kept, only new names are written.
	if err := Write(out, []byte("y\n"), Options{}); !refused(err) {
		t.Errorf("no record: %v", err)
	}
	// A file swapped in with the same content is still not sysdojo's.
	os.WriteFile(out+".new", []byte("z\n"), 0o644)
	Write(out, []byte("z\n"), Options{Record: rec, Force: true})
	os.Rename(out+".new", out)
	if err := Write(out, []byte("w\n"), opt); !refused(err) {
		t.Errorf("a swapped-in file with the same content: %v", err)
	}
}

// The record must be the user's own: one another user could write (or
// one that belongs to someone else) vouches for nothing.
func TestRecordTrust(t *testing.T) {
	dir := t.TempDir()
	rec := RecordPath(filepath.Join(dir, "state"))
	out := filepath.Join(dir, "out.md")
	if err := Write(out, []byte("one\n"), Options{Record: rec}); err != nil {
		t.Fatal(err)
	}
	os.Chmod(rec, 0o666)
	if err := Write(out, []byte("two\n"), Options{Record: rec}); !refused(err) {
		t.Errorf("a world-writable record was trusted: %v", err)
	}
	os.Chmod(rec, 0o600)
	if err := Write(out, []byte("two\n"), Options{Record: rec}); err != nil {
		t.Errorf("the user's own record: %v", err)
	}
	testenv.NeedRoot(t)
	if err := os.Chown(rec, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := Write(out, []byte("three\n"), Options{Record: rec}); !refused(err) || read(t, out) != "two\n" {
		t.Errorf("a record owned by nobody was trusted: %v", err)
	}
}
