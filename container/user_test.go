package container

import (
	"os"
	"path/filepath"
	"testing"
)

// TestParseUserStaysInRoot: -u NAME is looked up in the rootfs's own
// /etc/passwd; a passwd that is a symbolic link out of the rootfs (to a
// file on the host) is not followed there. (Before, the path was joined
// as a string and os.ReadFile followed the link to the host's file.)
func TestParseUserStaysInRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "rootfs")
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	host := filepath.Join(t.TempDir(), "host-passwd")
	os.WriteFile(host, []byte("evil:x:4242:4343::/:/bin/sh\n"), 0o644)
	if err := os.Symlink(host, filepath.Join(root, "etc/passwd")); err != nil {
		t.Fatal(err)
	}
	if uid, gid, err := parseUser("evil", root); err == nil {
		t.Errorf("parseUser followed /etc/passwd out of the rootfs: uid %d gid %d", uid, gid)
	}
	// a passwd inside the rootfs (even through a link that stays inside)
	os.Remove(filepath.Join(root, "etc/passwd"))
	os.WriteFile(filepath.Join(root, "etc/passwd.real"), []byte("root:x:0:0::/root:/bin/sh\nalice:x:1000:1001::/home/alice:/bin/sh\n"), 0o644)
	os.Symlink("/etc/passwd.real", filepath.Join(root, "etc/passwd"))
	if uid, gid, err := parseUser("alice", root); err != nil || uid != 1000 || gid != 1001 {
		t.Errorf("alice: %d %d %v", uid, gid, err)
	}
	if uid, gid, err := parseUser("alice:7", root); err != nil || uid != 1000 || gid != 7 {
		t.Errorf("alice:7: %d %d %v", uid, gid, err)
	}
	if uid, gid, err := parseUser("65534", root); err != nil || uid != 65534 || gid != 65534 {
		t.Errorf("65534: %d %d %v", uid, gid, err)
	}
	if _, _, err := parseUser("nobody-here", root); err == nil {
		t.Error("an unknown user was accepted")
	}
}
