package apt

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sysdojo/apt/mirrors"
)

// TestCrashHelper is the child of TestCrashSafety: it switches the root
// back and forth between two mirrors until it is killed.
func TestCrashHelper(t *testing.T) {
	root := os.Getenv("SYSDOJO_CRASH_ROOT")
	if root == "" {
		t.Skip("only runs as the child of TestCrashSafety")
	}
	cat := mirrors.Default()
	for i := 0; ; i++ {
		m := []string{"kaist", "kakao"}[i%2]
		sys, err := Load(root)
		if err != nil {
			t.Fatal(err)
		}
		tg, _ := ResolveTarget(cat, m, sys.OS.Family())
		p, err := PlanSwitch(sys, cat, tg, SwitchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Apply(time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCrashSafety kills a switching process at random moments: each file
// must always be a complete old or new version, and nothing apt would
// read may be left behind.
func TestCrashSafety(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 20
	}
	root := t.TempDir()
	must(t, os.MkdirAll(HostPath(root, SourceParts), 0o755))
	must(t, os.WriteFile(HostPath(root, OSRelease), []byte(ubuntuOS), 0o644))
	files := map[string]string{
		SourceList:                      "testdata/fixtures/kinds.list",
		SourceParts + "/ubuntu.sources": "testdata/examples/ubuntu-24.04-noble-ubuntu.sources",
	}
	for p, src := range files {
		b, err := os.ReadFile(src)
		must(t, err)
		must(t, os.WriteFile(HostPath(root, p), b, 0o644))
	}
	// Every complete version each file may have.
	valid := map[string][][]byte{}
	for p := range files {
		b, _ := os.ReadFile(HostPath(root, p))
		valid[p] = append(valid[p], b)
	}
	// Simulate the child's sequence in a scratch copy to learn every
	// complete version (orig, kaist, kakao, kaist, ... reaches a cycle).
	scratch := t.TempDir()
	must(t, os.CopyFS(scratch, os.DirFS(root)))
	cat := mirrors.Default()
	for i := 0; i < 4; i++ {
		sys, err := Load(scratch)
		must(t, err)
		tg, _ := ResolveTarget(cat, []string{"kaist", "kakao"}[i%2], "ubuntu")
		p, err := PlanSwitch(sys, cat, tg, SwitchOptions{})
		must(t, err)
		_, err = p.Apply(time.Now())
		must(t, err)
		for _, f := range p.Files {
			valid[f.Path] = append(valid[f.Path], f.New)
		}
	}
	exe, err := os.Executable()
	must(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < runs; i++ {
		cmd := exec.Command(exe, "-test.run=^TestCrashHelper$")
		cmd.Env = append(os.Environ(), "SYSDOJO_CRASH_ROOT="+root)
		must(t, cmd.Start())
		time.Sleep(time.Duration(rng.IntN(40000)) * time.Microsecond)
		cmd.Process.Kill()
		cmd.Wait()
		for p := range files {
			got, err := os.ReadFile(HostPath(root, p))
			if err != nil {
				t.Fatalf("run %d: %s: %v", i, p, err)
			}
			ok := false
			for _, v := range valid[p] {
				if bytes.Equal(got, v) {
					ok = true
				}
			}
			if !ok {
				t.Fatalf("run %d: %s is neither a complete old nor a complete new version:\n%s", i, p, got)
			}
		}
		for _, dir := range []string{"/etc/apt", SourceParts} {
			des, _ := os.ReadDir(HostPath(root, dir))
			for _, d := range des {
				name := d.Name()
				if dir == SourceParts && ReadSourcesName(name) && name != "ubuntu.sources" {
					t.Fatalf("run %d: left behind a file apt reads: %s", i, name)
				}
				if dir == "/etc/apt" && name != "sources.list" && name != "sources.list.d" && name[0] != '.' {
					t.Fatalf("run %d: left behind %s", i, filepath.Join(dir, name))
				}
			}
		}
		if _, err := Load(root); err != nil {
			t.Fatalf("run %d: the result does not parse: %v", i, err)
		}
	}
	bs, _ := Backups(root, true)
	if len(bs) < runs/4 {
		t.Fatalf("only %d switches completed in %d runs: the kills came too early to test anything", len(bs), runs)
	}
	t.Logf("%d runs killed; %d switches completed between them", runs, len(bs))
}
