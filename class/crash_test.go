package class

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
	"github.com/sysdojo/sysdojo/lessons"
)

// TestMain runs a class server instead of the tests when asked to
// (SYSDOJO_CLASS_TEST_SERVE=socket,store): the crash test kills it.
func TestMain(m *testing.M) {
	if spec := os.Getenv("SYSDOJO_CLASS_TEST_SERVE"); spec != "" {
		sock, store, _ := strings.Cut(spec, ",")
		st, err := OpenStore(store)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		srv, err := Listen(Config{Socket: sock, Store: st, Rate: 1000, Burst: 1000, MaxConns: 100})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("ready")
		srv.Serve(context.Background())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serverProcess starts a class server in a process of its own.
func serverProcess(t testing.TB, dir string) (cmd *exec.Cmd, sock, store string) {
	t.Helper()
	sock, store = filepath.Join(dir, "class.sock"), filepath.Join(dir, "store", "class.db")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(exe)
	cmd.Env = append(os.Environ(), "SYSDOJO_CLASS_TEST_SERVE="+sock+","+store)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("server: %q %v", line, err)
	}
	return cmd, sock, store
}

// simStudent is a student who needs no account: the kernel reports
// whatever uid a thread has, and the server needs no more.
type simStudent struct {
	uid int
	ws  string
}

func simStudents(t testing.TB, base string, n int) []simStudent {
	t.Helper()
	l, err := lessons.Get("perm-octal")
	if err != nil {
		t.Fatal(err)
	}
	var out []simStudent
	for i := 0; i < n; i++ {
		uid := 210000 + i
		ws := filepath.Join(base, strconv.Itoa(uid))
		if err := l.Bind("s", nil).Setup(ws); err != nil {
			t.Fatal(err)
		}
		filepath.Walk(ws, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, uid, uid) })
		out = append(out, simStudent{uid: uid, ws: ws})
	}
	return out
}

func (s simStudent) check(sock string, step int) (Response, error) {
	data, _ := json.Marshal(Request{Op: OpCheck, Lesson: "perm-octal", Step: step, Dir: s.ws})
	line, err := rawAs(s.uid, s.uid, sock, append(data, '\n'))
	var r Response
	if err == nil {
		err = json.Unmarshal(line, &r)
	}
	if err == nil && r.Error != nil {
		err = fmt.Errorf("%s", r.Error.En)
	}
	return r, err
}

// TestKillLosesNothingAcknowledged: students check steps while the
// server is killed with SIGKILL; every check it answered is in the store
// afterwards, and every pass it answered is recorded.
func TestKillLosesNothingAcknowledged(t *testing.T) {
	testenv.NeedRoot(t)
	base := reachableDir(t)
	cmd, sock, store := serverProcess(t, base)
	students := simStudents(t, filepath.Join(base, "ws"), 6)
	os.Chmod(filepath.Join(students[0].ws, "sample.txt"), 0o777)
	type ack struct{ uid, step int }
	var mu sync.Mutex
	var acks []ack
	passes := map[ack]bool{}
	var wg sync.WaitGroup
	killed := make(chan struct{})
	for _, s := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				step := 1 + i%3
				r, err := s.check(sock, step)
				if err != nil {
					continue // killed under way: not acknowledged
				}
				mu.Lock()
				acks = append(acks, ack{s.uid, step})
				if r.Result.Passed {
					passes[ack{s.uid, step}] = true
				}
				n := len(acks)
				mu.Unlock()
				if n == 120 {
					cmd.Process.Signal(syscall.SIGKILL)
					close(killed)
				}
			}
		}()
	}
	wg.Wait()
	cmd.Wait()
	st, err := OpenStore(store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snap, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[ack]int{}
	for _, a := range acks {
		counts[a]++
	}
	if len(passes) == 0 {
		t.Fatal("no pass acknowledged: the test proves nothing about recorded passes")
	}
	for a, n := range counts {
		rec := snap.Steps[a.uid]["perm-octal"][a.step]
		if rec.Checks < n {
			t.Errorf("uid %d step %d: %d checks acknowledged, %d in the store", a.uid, a.step, n, rec.Checks)
		}
		if passes[a] && rec.Passed == nil {
			t.Errorf("uid %d step %d: a pass was acknowledged and is not recorded", a.uid, a.step)
		}
	}
	if int(snap.Events) < len(acks) {
		t.Errorf("%d requests acknowledged, %d events stored", len(acks), snap.Events)
	}
	t.Logf("%d acknowledged before SIGKILL, %d events in the store", len(acks), snap.Events)
}

// BenchmarkClassLoad: 40 students each check every 2 s for 60 s
// ($SYSDOJO_CLASS_LOAD=seconds to change) against a server in its own
// process. It reports the p99 round trip, lost records and the server's
// peak RSS. Run: go test -run XXX -bench ClassLoad -benchtime 1x ./class/
func BenchmarkClassLoad(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	secs := 60
	if v, err := strconv.Atoi(os.Getenv("SYSDOJO_CLASS_LOAD")); err == nil && v > 0 {
		secs = v
	}
	for i := 0; i < b.N; i++ {
		base, _ := os.MkdirTemp("", "sysdojo-class-load-")
		os.Chmod(base, 0o755)
		defer os.RemoveAll(base)
		cmd, sock, store := serverProcess(b, base)
		students := simStudents(b, filepath.Join(base, "ws"), 40)
		var mu sync.Mutex
		var lat []time.Duration
		sent, failed := 0, 0
		var wg sync.WaitGroup
		end := time.Now().Add(time.Duration(secs) * time.Second)
		b.ResetTimer()
		for k, s := range students {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Spread the students over the 2 s period.
				time.Sleep(time.Duration(k) * 50 * time.Millisecond)
				for j := 0; time.Now().Before(end); j++ {
					t0 := time.Now()
					_, err := s.check(sock, 1+j%5)
					d := time.Since(t0)
					mu.Lock()
					sent++
					if err != nil {
						failed++
					} else {
						lat = append(lat, d)
					}
					mu.Unlock()
					time.Sleep(2*time.Second - d)
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		rss := peakRSS(cmd.Process.Pid)
		cmd.Process.Kill()
		cmd.Wait()
		st, err := OpenStore(store)
		if err != nil {
			b.Fatal(err)
		}
		snap, _ := st.Snapshot()
		st.Close()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		lost := (sent - failed) - int(snap.Events)
		b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(p(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(sent), "checks")
		b.ReportMetric(float64(failed), "failed")
		b.ReportMetric(float64(max(lost, 0)), "lost")
		b.ReportMetric(float64(rss)/1024, "server-peak-RSS-MB")
		if failed > 0 || lost > 0 {
			b.Errorf("%d failed, %d lost of %d", failed, lost, sent)
		}
	}
}

// peakRSS is a process's peak resident set, in KiB.
func peakRSS(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
