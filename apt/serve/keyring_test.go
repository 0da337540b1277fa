package serve

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteKeyringRefusesForeignFile: --keyring never overwrites a file
// sysdojo did not write (the old serve wrote over anything), nor writes
// through a link; --force replaces the file itself, atomically.
func TestWriteKeyringRefusesForeignFile(t *testing.T) {
	dir := t.TempDir()
	key, _ := KeyBinary()
	victim := filepath.Join(dir, "trusted.gpg")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(victim, []byte("someone's keyring\n"), 0o600))
	err := WriteKeyring(victim, false)
	if err == nil || !strings.Contains(err.Error(), "already exists and is not sysdojo's test key") {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "someone's keyring\n" {
		t.Fatal("overwritten")
	}
	// A link to a host file: refused, and with --force the link is
	// replaced, the file it pointed at untouched.
	host := filepath.Join(t.TempDir(), "shadow")
	must(os.WriteFile(host, []byte("secret\n"), 0o600))
	link := filepath.Join(dir, "link.gpg")
	must(os.Symlink(host, link))
	if err := WriteKeyring(link, false); err == nil {
		t.Fatal("wrote through a link")
	}
	must(WriteKeyring(link, true))
	if b, _ := os.ReadFile(host); string(b) != "secret\n" {
		t.Fatal("wrote through the link")
	}
	if fi, _ := os.Lstat(link); !fi.Mode().IsRegular() {
		t.Fatal("the link was not replaced by a file")
	}
	// Its own key: rewriting is a no-op; a new file is written.
	must(WriteKeyring(victim, true))
	must(WriteKeyring(victim, false))
	fresh := filepath.Join(dir, "new.gpg")
	must(WriteKeyring(fresh, false))
	for _, p := range []string{victim, fresh, link} {
		if b, _ := os.ReadFile(p); !bytes.Equal(b, key) {
			t.Errorf("%s does not hold the key", p)
		}
	}
	if err := WriteKeyring(dir, true); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}
