package apt

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/apt/mirrors"
)

var update = flag.Bool("update", false, "rewrite golden files")

const ubuntuOS = "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\nVERSION_CODENAME=noble\n"
const debianOS = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"

// sandbox makes a root with the file at its usual place and returns the
// root and the apt path.
func sandbox(t *testing.T, src string, osRelease string) (string, string) {
	t.Helper()
	root := t.TempDir()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := SourceList
	if strings.HasSuffix(src, ".sources") || strings.Contains(filepath.Base(src), "docker") || strings.Contains(filepath.Base(src), "raspi") {
		p = SourceParts + "/" + filepath.Base(src)
	}
	must(t, os.MkdirAll(HostPath(root, SourceParts), 0o755))
	must(t, os.WriteFile(HostPath(root, p), data, 0o644))
	must(t, os.WriteFile(HostPath(root, OSRelease), []byte(osRelease), 0o644))
	return root, p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func osFor(name string) string {
	if strings.Contains(name, "debian") || strings.Contains(name, "raspi") {
		return debianOS
	}
	return ubuntuOS
}

// sameMirror asks switchRoot to move security to the same mirror.
var sameMirror = &Target{Name: "(same)"}

func secOpt(security bool) SwitchOptions {
	if security {
		return SwitchOptions{Security: sameMirror}
	}
	return SwitchOptions{}
}

func switchRoot(t *testing.T, root, mirror string, opt SwitchOptions) *Plan {
	t.Helper()
	sys, err := Load(root)
	must(t, err)
	cat := mirrors.Default()
	tg, err := ResolveTarget(cat, mirror, sys.OS.Family())
	must(t, err)
	if opt.Security == sameMirror {
		opt.Security = &tg
	}
	p, err := PlanSwitch(sys, cat, tg, opt)
	must(t, err)
	return p
}

func TestSwitchGolden(t *testing.T) {
	cases := []struct {
		file, mirror string
		security     bool
	}{}
	for _, f := range fixtureFiles(t) {
		cases = append(cases, struct {
			file, mirror string
			security     bool
		}{f, "kaist", false})
	}
	cases = append(cases,
		struct {
			file, mirror string
			security     bool
		}{"testdata/fixtures/kinds.list", "kakao", true},
		struct {
			file, mirror string
			security     bool
		}{"testdata/examples/debian-12-netinst-backports.list", "http://127.0.0.1:8080/debian", true},
	)
	for _, c := range cases {
		name := filepath.Base(c.file) + "." + strings.NewReplacer(":", "_", "/", "_").Replace(c.mirror)
		if c.security {
			name += ".security"
		}
		t.Run(name, func(t *testing.T) {
			root, p := sandbox(t, c.file, osFor(c.file))
			must(t, os.Chmod(HostPath(root, p), 0o640))
			// As root the file gets a stranger's owner, which switch and
			// restore must keep; otherwise it stays the tester's own.
			uid, gid := uint32(os.Getuid()), uint32(os.Getgid())
			if os.Geteuid() == 0 {
				uid, gid = 12345, 54321
				must(t, os.Chown(HostPath(root, p), int(uid), int(gid)))
			}
			orig, _ := os.ReadFile(HostPath(root, p))
			plan := switchRoot(t, root, c.mirror, secOpt(c.security))
			var diff strings.Builder
			for _, f := range plan.Files {
				diff.WriteString(f.Diff)
			}
			for _, k := range plan.Kept {
				diff.WriteString("# kept " + k.URI + " (" + string(k.Kind) + "): " + k.Reason.En + "\n")
			}
			golden := filepath.Join("testdata/golden", name+".diff")
			if *update {
				must(t, os.MkdirAll("testdata/golden", 0o755))
				must(t, os.WriteFile(golden, []byte(diff.String()), 0o644))
			}
			want, err := os.ReadFile(golden)
			must(t, err)
			if diff.String() != string(want) {
				t.Errorf("diff differs from %s:\n%s", golden, diff.String())
			}
			// Only URI text changed: every byte outside the rewritten
			// spans is the same, checked by re-parsing in PlanSwitch; here
			// check the line structure is intact.
			for _, f := range plan.Files {
				if bytes.Count(f.New, []byte("\n")) != bytes.Count(f.Old, []byte("\n")) {
					t.Fatal("line count changed")
				}
			}
			b, err := plan.Apply(time.Now())
			must(t, err)
			after, _ := os.ReadFile(HostPath(root, p))
			if plan.Changed() {
				if b == nil || bytes.Equal(after, orig) {
					t.Fatal("nothing written")
				}
				st := stat(t, HostPath(root, p))
				if st.Mode&0o7777 != 0o640 || st.Uid != uid || st.Gid != gid {
					t.Errorf("mode/owner not kept: %o %d:%d", st.Mode&0o7777, st.Uid, st.Gid)
				}
			}
			// Twice = once.
			again := switchRoot(t, root, c.mirror, secOpt(c.security))
			if again.Changed() {
				t.Errorf("second switch changes again:\n%s", again.Files[0].Diff)
			}
			// Restore gives back bytes, mode and owner.
			if plan.Changed() {
				must(t, os.Chmod(HostPath(root, p), 0o600))
				_, err := Restore(root)
				must(t, err)
				back, _ := os.ReadFile(HostPath(root, p))
				if !bytes.Equal(back, orig) {
					t.Error("restore did not give back the original bytes")
				}
				st := stat(t, HostPath(root, p))
				if st.Mode&0o7777 != 0o640 || st.Uid != uid || st.Gid != gid {
					t.Errorf("restore: mode/owner %o %d:%d", st.Mode&0o7777, st.Uid, st.Gid)
				}
			}
			// Nothing apt would read was added.
			des, _ := os.ReadDir(HostPath(root, SourceParts))
			for _, d := range des {
				if ReadSourcesName(d.Name()) && "/etc/apt/sources.list.d/"+d.Name() != p {
					t.Errorf("stray file apt reads: %s", d.Name())
				}
			}
		})
	}
}

func stat(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	fi, err := os.Stat(p)
	must(t, err)
	return fi.Sys().(*syscall.Stat_t)
}

func TestRealRootNeedsPrivilege(t *testing.T) {
	defer func(f func() int) { geteuid = f }(geteuid)
	geteuid = func() int { return 1000 }
	// A plan for the real "/" (built by hand: the test reads nothing there).
	p := &Plan{Root: "/", Files: []FilePlan{{Path: "/etc/apt/sources.list", Old: []byte("a"), New: []byte("b")}}}
	_, err := p.Apply(time.Now())
	if err == nil || !strings.Contains(err.Error(), "needs root") {
		t.Fatalf("got %v", err)
	}
	var le interface{ Error() string }
	le = err
	if !strings.Contains(le.Error(), "nothing was written") {
		t.Errorf("message: %v", err)
	}
	if _, err := Restore("/nonexistent-root-for-test"); err == nil {
		t.Error("restore with no backups succeeded")
	}
	if err := needPrivilege(t.TempDir()); err != nil {
		t.Errorf("a sandbox root needs no privilege: %v", err)
	}
}

func TestRefuseChangedFile(t *testing.T) {
	root, p := sandbox(t, "testdata/examples/ubuntu-24.04-noble-ubuntu.sources", ubuntuOS)
	plan := switchRoot(t, root, "kakao", SwitchOptions{})
	edited := []byte("# edited by someone else meanwhile\n")
	must(t, os.WriteFile(HostPath(root, p), edited, 0o644))
	_, err := plan.Apply(time.Now())
	if err == nil || !strings.Contains(err.Error(), "changed since it was read") {
		t.Fatalf("got %v", err)
	}
	got, _ := os.ReadFile(HostPath(root, p))
	if !bytes.Equal(got, edited) {
		t.Error("the file was overwritten")
	}
	if bs, _ := Backups(root, true); len(bs) != 0 {
		t.Error("a backup was made for a refused switch")
	}
}

func TestCloudInitWarning(t *testing.T) {
	root, _ := sandbox(t, "testdata/examples/ubuntu-22.04-cloud-init-nova.list", ubuntuOS)
	plan := switchRoot(t, root, "kakao", SwitchOptions{})
	if len(plan.Files) != 1 || !plan.Files[0].CloudInit {
		t.Fatal("no cloud-init warning for a file written by cloud-init")
	}
	root, p := sandbox(t, "testdata/examples/ubuntu-24.04-noble-ubuntu.sources", ubuntuOS)
	must(t, os.Rename(HostPath(root, p), HostPath(root, SourceParts+"/ubuntu.sources")))
	must(t, os.MkdirAll(HostPath(root, "/etc/cloud/templates"), 0o755))
	must(t, os.WriteFile(HostPath(root, "/etc/cloud/templates/sources.list.ubuntu.deb822.tmpl"), nil, 0o644))
	must(t, os.WriteFile(HostPath(root, "/etc/cloud/cloud.cfg"), []byte("datasource_list: [None]\n"), 0o644))
	if plan := switchRoot(t, root, "kakao", SwitchOptions{}); !plan.Files[0].CloudInit {
		t.Error("no warning with cloud-init templates installed")
	}
	must(t, os.WriteFile(HostPath(root, "/etc/cloud/cloud.cfg"), []byte("apt_preserve_sources_list: true\n"), 0o644))
	if plan := switchRoot(t, root, "kakao", SwitchOptions{}); plan.Files[0].CloudInit {
		t.Error("warning although apt_preserve_sources_list is set")
	}
}
