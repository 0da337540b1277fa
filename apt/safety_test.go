package apt

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

const hostSecret = "deb http://host-secret.invalid/ubuntu noble main\n"

// hostFile makes a file outside any root: the place an attack would read
// or write. It returns its path.
func hostFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	must(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func sameFile(t *testing.T, p, want string) {
	t.Helper()
	got, err := os.ReadFile(p)
	must(t, err)
	if string(got) != want {
		t.Fatalf("%s was changed:\n%s", p, got)
	}
}

func wantKind(t *testing.T, err error, kind i18n.Kind, phrase string) {
	t.Helper()
	var le *i18n.Error
	if err == nil || !errors.As(err, &le) {
		t.Fatalf("want a refusal (%q), got %v", phrase, err)
	}
	if le.Kind != kind || !strings.Contains(err.Error(), phrase) {
		t.Fatalf("want kind %d with %q, got kind %d: %v", kind, phrase, le.Kind, err)
	}
	if strings.Contains(le.Text.Ko, "%!") || strings.Contains(le.Text.En, "%!") {
		t.Fatalf("bad format: %+v", le.Text)
	}
}

// switched makes a root holding sources.list, switched to kakao once.
func switched(t *testing.T) (root, before, after string) {
	t.Helper()
	root, _ = sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
	b, _ := os.ReadFile(HostPath(root, SourceList))
	p := switchRoot(t, root, "kakao", SwitchOptions{})
	_, err := p.Apply(time.Now())
	must(t, err)
	a, _ := os.ReadFile(HostPath(root, SourceList))
	return root, string(b), string(a)
}

func backupDir(t *testing.T, root string) string {
	t.Helper()
	m, _ := filepath.Glob(HostPath(root, BackupDir+"/*/manifest.json"))
	if len(m) != 1 {
		t.Fatalf("want one backup, got %v", m)
	}
	return filepath.Dir(m[0])
}

// forge rewrites the backup's manifest with edit applied to its decoded
// form, keeping the file's owner and mode.
func forge(t *testing.T, root string, edit func(m map[string]any, f map[string]any)) {
	t.Helper()
	p := filepath.Join(backupDir(t, root), "manifest.json")
	js, err := os.ReadFile(p)
	must(t, err)
	var m map[string]any
	must(t, json.Unmarshal(js, &m))
	edit(m, m["files"].([]any)[0].(map[string]any))
	js, _ = json.Marshal(m)
	must(t, os.WriteFile(p, js, 0o600))
}

// TestRestoreRefusesForgedManifest edits the manifest the way an attacker
// would: restore must refuse with one line and write nothing, here or on
// the host. The old restore wrote whatever path the manifest named (with
// ".." leading out of the root), read whatever copy it named, and followed
// links.
func TestRestoreRefusesForgedManifest(t *testing.T) {
	cases := []struct {
		name   string
		attack func(t *testing.T, root, host string)
		phrase string
	}{
		{"path /etc/passwd", func(t *testing.T, root, host string) {
			forge(t, root, func(_, f map[string]any) { f["path"] = "/etc/passwd" })
		}, `names "/etc/passwd", which is not an APT sources file`},
		{"path out of the root", func(t *testing.T, root, host string) {
			forge(t, root, func(_, f map[string]any) {
				f["path"] = "/etc/apt/sources.list.d/" + strings.Repeat("../", 20) + strings.TrimPrefix(host, "/")
			})
		}, "which is not an APT sources file"},
		{"copy out of the backup", func(t *testing.T, root, host string) {
			// The old code checked the copy's checksum, so the forger
			// puts the host file's in.
			forge(t, root, func(_, f map[string]any) {
				f["copy"] = strings.Repeat("../", 20) + strings.TrimPrefix(host, "/")
				f["sha256"] = sha([]byte(hostSecret))
			})
		}, "is not a file name inside the backup"},
		{"copy a symlink to a host file", func(t *testing.T, root, host string) {
			c := filepath.Join(backupDir(t, root), "0-sources.list")
			must(t, os.Remove(c))
			must(t, os.Symlink(host, c))
			forge(t, root, func(_, f map[string]any) { f["sha256"] = sha([]byte(hostSecret)) })
		}, "0-sources.list is a symbolic link, not a regular file"},
		{"setuid mode", func(t *testing.T, root, host string) {
			forge(t, root, func(_, f map[string]any) { f["mode"] = "4755" })
		}, `mode "4755" is not a plain permission`},
		{"edited copy", func(t *testing.T, root, host string) {
			must(t, os.WriteFile(filepath.Join(backupDir(t, root), "0-sources.list"), []byte(hostSecret), 0o600))
		}, "checksum mismatch"},
		{"sources.list.d a link to the host", func(t *testing.T, root, host string) {
			// The admin's restore, after someone replaced the directory
			// with a link: the restore must not write through it.
			forge(t, root, func(_, f map[string]any) { f["path"] = SourceParts + "/victim.list" })
			must(t, os.RemoveAll(HostPath(root, SourceParts)))
			must(t, os.Symlink(filepath.Dir(host), HostPath(root, SourceParts)))
		}, "is a symbolic link to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, _, after := switched(t)
			host := hostFile(t, "victim.list", hostSecret)
			c.attack(t, root, host)
			dir := backupDir(t, root)
			_, err := Restore(root)
			if err == nil || !strings.Contains(err.Error(), c.phrase) {
				t.Fatalf("want a refusal with %q, got %v", c.phrase, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line: %q", err)
			}
			sameFile(t, host, hostSecret)
			if fi, err := os.Lstat(HostPath(root, SourceList)); err == nil && fi.Mode().IsRegular() {
				sameFile(t, HostPath(root, SourceList), after)
			}
			if _, err := os.Stat(HostPath(root, "/etc/passwd")); err == nil {
				t.Error("restore wrote etc/passwd")
			}
			if _, err := os.Stat(dir); err != nil {
				t.Error("the backup was marked restored")
			}
		})
	}
}

// TestRestoreRefusesForeignManifest: as root, a manifest a student wrote
// (theirs, in a --root they own) is not one sysdojo wrote.
func TestRestoreRefusesForeignManifest(t *testing.T) {
	testenv.NeedRoot(t)
	root, _, after := switched(t)
	m := filepath.Join(backupDir(t, root), "manifest.json")
	must(t, os.Chown(m, 65534, 65534))
	_, err := Restore(root)
	wantKind(t, err, i18n.KindFailed, "manifest.json is owned by uid 65534")
	sameFile(t, HostPath(root, SourceList), after)
	must(t, os.Chown(m, 0, 0))
	must(t, os.Chmod(m, 0o666))
	_, err = Restore(root)
	wantKind(t, err, i18n.KindFailed, "with mode 0666")
	must(t, os.Chmod(m, 0o600))
	_, err = Restore(root)
	must(t, err)
}

// TestRestoreKeepsEdits: an edit the admin made after the switch is saved
// beside the file and shown as a diff, never silently dropped; an earlier
// saved copy is never overwritten. The old restore put the backup back
// over the edit.
func TestRestoreKeepsEdits(t *testing.T) {
	root, before, after := switched(t)
	edited := after + "deb http://admin-added.example/ubuntu noble main\n"
	must(t, os.Chmod(HostPath(root, SourceList), 0o640))
	must(t, os.WriteFile(HostPath(root, SourceList), []byte(edited), 0o640))
	kept := HostPath(root, SourceList+KeptSuffix)
	must(t, os.WriteFile(kept, []byte("an older kept copy\n"), 0o600))
	r, err := Restore(root)
	must(t, err)
	sameFile(t, HostPath(root, SourceList), before)
	sameFile(t, kept, "an older kept copy\n")
	if len(r.Edited) != 1 {
		t.Fatalf("edits not reported: %+v", r.Edited)
	}
	e := r.Edited[0]
	if e.Path != SourceList || e.Saved != SourceList+".sysdojo-old.1.bak" {
		t.Errorf("edited: %+v", e)
	}
	sameFile(t, HostPath(root, e.Saved), edited)
	if fi, _ := os.Stat(HostPath(root, e.Saved)); fi.Mode().Perm() != 0o640 {
		t.Errorf("the kept copy has mode %v, not the file's", fi.Mode())
	}
	if !strings.Contains(e.Diff, "-deb http://admin-added.example/ubuntu noble main") {
		t.Errorf("diff:\n%s", e.Diff)
	}
	// apt does not read the kept copy.
	sys, err := Load(root)
	must(t, err)
	for _, f := range sys.Files {
		if strings.Contains(f.Path, "sysdojo-old") {
			t.Errorf("apt would read %s", f.Path)
		}
	}
	// An unedited file is restored without a copy.
	root, before, _ = switched(t)
	r, err = Restore(root)
	must(t, err)
	sameFile(t, HostPath(root, SourceList), before)
	if len(r.Edited) != 0 {
		t.Errorf("an unedited file reported as edited: %+v", r.Edited)
	}
	if m, _ := filepath.Glob(HostPath(root, "/etc/apt/*sysdojo-old*")); len(m) != 0 {
		t.Errorf("copies made for an unedited file: %v", m)
	}
}

// TestRootContained puts symbolic links in a --root that lead to host
// files: no command reads or writes them. The old Load printed the host
// file's entries and the old switch rewrote it.
func TestRootContained(t *testing.T) {
	t.Run("read a linked sources file", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		host := hostFile(t, "secret.list", hostSecret)
		must(t, os.Remove(HostPath(root, SourceList)))
		must(t, os.Symlink(host, HostPath(root, SourceList)))
		sys, err := Load(root)
		wantKind(t, err, i18n.KindInvalid, "/etc/apt/sources.list is a symbolic link to "+host+", which is not inside --root "+root)
		if sys != nil {
			t.Fatalf("read the host file: %+v", sys.Entries())
		}
		// ".." stops at the root, as for RESOLVE_IN_ROOT.
		must(t, os.Remove(HostPath(root, SourceList)))
		must(t, os.Symlink(strings.Repeat("../", 30)+strings.TrimPrefix(host, "/"), HostPath(root, SourceList)))
		_, err = Load(root)
		wantKind(t, err, i18n.KindInvalid, "is a symbolic link to")
	})
	t.Run("read a linked /etc/apt", func(t *testing.T) {
		root := t.TempDir()
		host := hostFile(t, "sources.list", hostSecret)
		must(t, os.MkdirAll(HostPath(root, "/etc"), 0o755))
		must(t, os.Symlink(filepath.Dir(host), HostPath(root, "/etc/apt")))
		sys, err := Load(root)
		if err == nil {
			for _, e := range sys.Entries() {
				if strings.Contains(e.URI, "host-secret") {
					t.Fatal("read the host's sources.list")
				}
			}
		}
	})
	t.Run("links inside the root are followed inside it", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		must(t, os.Rename(HostPath(root, "/etc/apt"), HostPath(root, "/real-apt")))
		// An absolute link means the root's own /real-apt.
		must(t, os.Symlink("/real-apt", HostPath(root, "/etc/apt")))
		sys, err := Load(root)
		must(t, err)
		if len(sys.Files) != 1 || len(sys.Entries()) == 0 {
			t.Fatalf("did not read through the link inside the root: %+v", sys.Files)
		}
		p := switchRoot(t, root, "kakao", SwitchOptions{})
		_, err = p.Apply(time.Now())
		must(t, err)
		b, _ := os.ReadFile(HostPath(root, "/real-apt/sources.list"))
		if !bytes.Contains(b, []byte("mirror.kakao.com")) {
			t.Fatalf("switch did not write inside the root:\n%s", b)
		}
	})
	t.Run("switch through a linked sources.list.d", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/examples/ubuntu-24.04-noble-ubuntu.sources", ubuntuOS)
		orig, _ := os.ReadFile("testdata/examples/ubuntu-24.04-noble-ubuntu.sources")
		host := hostFile(t, "ubuntu.sources", string(orig))
		must(t, os.RemoveAll(HostPath(root, SourceParts)))
		must(t, os.Symlink(filepath.Dir(host), HostPath(root, SourceParts)))
		sys, err := Load(root)
		if err == nil {
			p, err := PlanSwitch(sys, nil, Target{}, SwitchOptions{})
			if err == nil {
				p.Apply(time.Now())
			}
		}
		sameFile(t, host, string(orig))
		wantKind(t, err, i18n.KindInvalid, "is a symbolic link to")
	})
	t.Run("backups through a linked /var/backups", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		hostDir := t.TempDir()
		must(t, os.MkdirAll(HostPath(root, "/var"), 0o755))
		must(t, os.Symlink(hostDir, HostPath(root, "/var/backups")))
		p := switchRoot(t, root, "kakao", SwitchOptions{})
		_, err := p.Apply(time.Now())
		wantKind(t, err, i18n.KindInvalid, "/var/backups is a symbolic link to")
		if des, _ := os.ReadDir(hostDir); len(des) != 0 {
			t.Fatalf("switch wrote in the host directory: %v", des)
		}
		if b, _ := os.ReadFile(HostPath(root, SourceList)); !bytes.Equal(b, p.Files[0].Old) {
			t.Fatal("switched without a backup")
		}
	})
}

// TestUserFilesRefused: a sources file or manifest that is a FIFO, a
// device or too large is refused at once with one line. The old Load
// blocked forever on a FIFO and read /dev/zero until memory ran out.
func TestUserFilesRefused(t *testing.T) {
	load := func(t *testing.T, root string) error {
		t.Helper()
		done := make(chan error, 1)
		go func() { _, err := Load(root); done <- err }()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("Load is still reading after 30 s (blocked on a FIFO?)")
		}
		return nil
	}
	t.Run("fifo sources.list", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		must(t, os.Remove(HostPath(root, SourceList)))
		must(t, syscall.Mkfifo(HostPath(root, SourceList), 0o644))
		wantKind(t, load(t, root), i18n.KindInvalid, "/etc/apt/sources.list is a named pipe (FIFO), not a regular file")
	})
	t.Run("fifo reached through a link", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		must(t, syscall.Mkfifo(HostPath(root, "/fifo"), 0o644))
		must(t, os.Symlink("/fifo", HostPath(root, SourceParts+"/x.list")))
		wantKind(t, load(t, root), i18n.KindInvalid, "/etc/apt/sources.list.d/x.list is a named pipe (FIFO)")
	})
	t.Run("link to /dev/zero", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		must(t, os.Symlink("/dev/zero", HostPath(root, SourceParts+"/zero.list")))
		wantKind(t, load(t, root), i18n.KindInvalid, "is a symbolic link to /dev/zero, which is not inside --root")
	})
	t.Run("device", func(t *testing.T) {
		testenv.NeedRoot(t)
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		must(t, os.MkdirAll(HostPath(root, "/dev"), 0o755))
		must(t, syscall.Mknod(HostPath(root, "/dev/zero"), syscall.S_IFCHR|0o666, 1<<8|5))
		must(t, os.Symlink("/dev/zero", HostPath(root, SourceParts+"/zero.list")))
		wantKind(t, load(t, root), i18n.KindInvalid, "zero.list is a device, not a regular file")
	})
	t.Run("too large", func(t *testing.T) {
		root, _ := sandbox(t, "testdata/fixtures/kinds.list", ubuntuOS)
		must(t, os.Truncate(HostPath(root, SourceList), MaxFileSize+1))
		wantKind(t, load(t, root), i18n.KindInvalid, "/etc/apt/sources.list is larger than 4 MiB")
	})
	t.Run("fifo manifest", func(t *testing.T) {
		root, _, after := switched(t)
		m := filepath.Join(backupDir(t, root), "manifest.json")
		must(t, os.Remove(m))
		must(t, syscall.Mkfifo(m, 0o600))
		done := make(chan error, 1)
		go func() { _, err := Restore(root); done <- err }()
		select {
		case err := <-done:
			wantKind(t, err, i18n.KindFailed, "manifest.json is a named pipe (FIFO), not a regular file")
		case <-time.After(30 * time.Second):
			t.Fatal("Restore is still reading after 30 s (blocked on a FIFO?)")
		}
		sameFile(t, HostPath(root, SourceList), after)
	})
}
