package class

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
	"github.com/sysdojo/sysdojo/lessons"
)

// student is a real user made for the test.
type student struct {
	name     string
	uid, gid int
	home     string // a directory of theirs, reachable (0755 parents)
}

var studentN atomic.Int32

// newStudent makes a user with useradd (removed when t ends) and a
// directory of theirs under base.
func newStudent(t *testing.T, base string) *student {
	t.Helper()
	testenv.NeedRoot(t)
	useradd := testenv.NeedTool(t, "useradd")
	userdel := testenv.NeedTool(t, "userdel")
	name := fmt.Sprintf("sdcl%d-%d", os.Getpid()%100000, studentN.Add(1))
	if out, err := exec.Command(useradd, "-M", "-N", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(userdel, "-f", name).Run() })
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	s := &student{name: name}
	s.uid, _ = strconv.Atoi(u.Uid)
	s.gid, _ = strconv.Atoi(u.Gid)
	s.home = filepath.Join(base, name)
	if err := os.Mkdir(s.home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(s.home, s.uid, s.gid); err != nil {
		t.Fatal(err)
	}
	return s
}

// reachableDir is a temporary directory every user can reach.
func reachableDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "sysdojo-class-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(d, 0o755)
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// workspace sets lesson id up in s's directory, bound to seed, owned by
// s, and returns it.
func (s *student) workspace(t *testing.T, l *lessons.Lesson, seed string) string {
	t.Helper()
	dir := filepath.Join(s.home, l.ID)
	b := l.Bind(seed, map[string]string{"user": s.name, "group": s.name})
	if err := b.Setup(dir); err != nil {
		t.Fatal(err)
	}
	s.chown(t, dir)
	return dir
}

func (s *student) chown(t *testing.T, dir string) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, s.uid, s.gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawAs connects to socket as uid and gid (real, effective and saved
// IDs of one thread, no supplementary groups: the kernel records those
// as the peer's credentials), writes payload (nil: an endless stream)
// and returns the answer line. The thread is thrown away afterwards.
func rawAs(uid, gid int, socket string, payload []byte) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if _, _, e := unix.RawSyscall(unix.SYS_SETGROUPS, 0, 0, 0); e != 0 {
			ch <- result{err: e}
			return
		}
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(gid), uintptr(gid), uintptr(gid)); e != 0 {
			ch <- result{err: e}
			return
		}
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(uid), uintptr(uid), uintptr(uid)); e != 0 {
			ch <- result{err: e}
			return
		}
		conn, err := net.Dial("unix", socket)
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(time.Minute))
		// Written while the answer is read: a server may answer (and
		// close) before it read everything.
		go func() {
			if payload == nil {
				// An endless request: written until the server closes.
				chunk := make([]byte, 4096)
				for i := range chunk {
					chunk[i] = 'A'
				}
				for {
					if _, err := conn.Write(chunk); err != nil {
						return
					}
				}
			}
			conn.Write(payload)
			conn.(*net.UnixConn).CloseWrite()
		}()
		line, err := bufio.NewReader(conn).ReadBytes('\n')
		ch <- result{line, err}
	}()
	r := <-ch
	return r.b, r.err
}

// callAs sends req as s and decodes the answer.
func (s *student) call(t testing.TB, socket string, req any) Response {
	t.Helper()
	data, _ := json.Marshal(req)
	line, err := rawAs(s.uid, s.gid, socket, append(data, '\n'))
	if err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	var r Response
	if err := json.Unmarshal(line, &r); err != nil {
		t.Fatalf("%s: answer %q: %v", s.name, line, err)
	}
	return r
}

// startServer runs a server on a temporary socket with a temporary
// store until t ends.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	dir := reachableDir(t)
	if cfg.Socket == "" {
		cfg.Socket = filepath.Join(dir, "class.sock")
	}
	if cfg.Store == nil {
		st, err := OpenStore(filepath.Join(dir, "store", "class.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.Store = st
	}
	srv, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv
}

func (s *Server) socket() string { return s.cfg.Socket }

// testLessons finds the embedded lessons and the test's own.
func testLessons(extra ...*lessons.Lesson) func(string) (*lessons.Lesson, error) {
	return func(id string) (*lessons.Lesson, error) {
		for _, l := range extra {
			if l.ID == id {
				return l, nil
			}
		}
		return lessons.Get(id)
	}
}

const secretLesson = `id: secret-test
order: 1
topic: perm
title: {en: "t", ko: "t"}
intro: {en: "i", ko: "i"}
steps:
  - title: {en: "s", ko: "s"}
    text: {en: "s", ko: "s"}
    task: {en: "s", ko: "s"}
    solution: ["echo TOPSECRET > secret.txt"]
    checks:
      - {kind: contains, path: secret.txt, want: "TOPSECRET"}
    hints:
      - {en: "h", ko: "h"}
`

func (s *Server) subscribers() int {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	return len(s.subs)
}
