package apt

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/apt/mirrors"
)

// TestCrashHelper is the child of TestCrashSafety: it switches the root
// back and forth between two mirrors until it is killed. On file
// descriptor 3 it reports "ready" before the first switch, "start" before
// each Apply and "done NANOSECONDS" (the time Apply took) after it.
func TestCrashHelper(t *testing.T) {
	root := os.Getenv("SYSDOJO_CRASH_ROOT")
	if root == "" {
		t.Skip("only runs as the child of TestCrashSafety")
	}
	report := os.NewFile(3, "report")
	cat := mirrors.Default()
	fmt.Fprintln(report, "ready")
	for {
		// The other mirror than the one the root points at now, so that
		// every switch writes.
		var p *Plan
		for _, m := range []string{"kaist", "kakao"} {
			sys, err := Load(root)
			if err != nil {
				t.Fatal(err)
			}
			tg, _ := ResolveTarget(cat, m, sys.OS.Family())
			if p, err = PlanSwitch(sys, cat, tg, SwitchOptions{}); err != nil {
				t.Fatal(err)
			}
			if p.Changed() {
				break
			}
		}
		fmt.Fprintln(report, "start")
		began := time.Now()
		if _, err := p.Apply(time.Now()); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(report, "done", time.Since(began).Nanoseconds())
	}
}

// TestCrashSafety kills a switching process at random moments: each file
// must always be a complete old or new version, and nothing apt would
// read may be left behind.
func TestCrashSafety(t *testing.T) {
	// Every kill lands inside or right after a write (see below), so a
	// hundred of them test more than the kills at random moments of the
	// process's life used to; a race build's process takes far longer to
	// start, so it gets fewer.
	runs := 100
	if raceBuild {
		runs = 60
	}
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
	// The kills are timed from the child's own report that it starts to
	// write, over the time the first Apply of a new process takes as the
	// first children measure it (a race build is several times slower than
	// a plain one, a loaded machine slower still): they land inside the
	// writes whatever the build's speed. Only those first children, which
	// are not killed before they finish, measure: a killed switch would not
	// report, and its absence would bias the measure down.
	const calibrate = 5
	var took []time.Duration
	median := func() time.Duration {
		s := slices.Clone(took)
		slices.Sort(s)
		return s[len(s)/2]
	}
	completed, midSwitch := 0, 0
	for i := 0; i < runs; i++ {
		cmd := exec.Command(exe, "-test.run=^TestCrashHelper$")
		cmd.Env = append(os.Environ(), "SYSDOJO_CRASH_ROOT="+root)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		r, w, err := os.Pipe()
		must(t, err)
		cmd.ExtraFiles = []*os.File{w}
		must(t, cmd.Start())
		w.Close()
		sc := bufio.NewScanner(r)
		last := ""
		read := func() bool {
			if !sc.Scan() {
				return false
			}
			last = sc.Text()
			if d, ok := strings.CutPrefix(last, "done "); ok {
				n, _ := strconv.ParseInt(d, 10, 64)
				if i < calibrate && len(took) == i {
					took = append(took, time.Duration(n))
				}
				completed++
			}
			return true
		}
		if !read() || last != "ready" || !read() || last != "start" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("run %d: the child did not start switching: %q\n%s", i, last, stderr.Bytes())
		}
		if i < calibrate {
			for len(took) == i {
				if !read() {
					t.Fatalf("the child stopped before its first switch ended:\n%s", stderr.Bytes())
				}
			}
		} else {
			time.Sleep(time.Duration(rng.Int64N(int64(2*median()) + 1)))
		}
		cmd.Process.Kill()
		cmd.Wait()
		for read() {
		}
		r.Close()
		if last == "start" {
			midSwitch++
		}
		if strings.Contains(stderr.String(), "FAIL") {
			t.Fatalf("run %d: the child failed:\n%s", i, stderr.Bytes())
		}
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
	if midSwitch < runs/8 {
		t.Fatalf("only %d of %d kills landed inside a switch (one takes %v here): the test would not test crash safety", midSwitch, runs, median())
	}
	if completed < calibrate+runs/20 {
		t.Fatalf("only %d switches completed in %d runs: the kills came too early to test anything", completed, runs)
	}
	if bs, _ := Backups(root, true); len(bs) < completed {
		t.Fatalf("%d switches completed but only %d backups are there", completed, len(bs))
	}
	t.Logf("%d runs killed, %d of them inside a switch (one takes %v here); %d switches completed between them", runs, midSwitch, median(), completed)
}
