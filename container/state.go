package container

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultStateRoot is where running containers keep their state, overlay
// upper and work directories on the host. Rootless runs keep theirs in the
// user's own directory (UserStateBase).
const DefaultStateRoot = "/run/sysdojo/containers"

// State is what the host keeps about one container while it runs (and
// after, with --keep), so that ps, exec, stop and gc can find it.
type State struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Rootfs  string   `json:"rootfs"`
	Image   string   `json:"image,omitempty"` // what Rootfs was pulled as
	Command []string `json:"command"`
	// Env is what run put in the command's environment beyond the
	// defaults (the image's ENV, then -e): exec starts from it, as docker
	// exec does.
	Env          []string  `json:"env,omitempty"`
	RuntimePID   int       `json:"runtime_pid"`
	RuntimeStart uint64    `json:"runtime_start"` // /proc/PID/stat start time, against PID reuse
	InitPID      int       `json:"init_pid,omitempty"`
	Cgroup       *Cgroup   `json:"cgroup,omitempty"`
	Created      time.Time `json:"created"`
	Keep         bool      `json:"keep,omitempty"`
	Detached     bool      `json:"detached,omitempty"` // run -d: kept after it exits, until rm
	Status       string    `json:"status"`             // "running" or "exited"
	ExitCode     int       `json:"exit_code,omitempty"`
}

func newID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// procStart returns the start time of process pid (field 22 of its stat).
func procStart(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// alive reports whether the runtime that owns s still runs.
func (s *State) alive() bool {
	st, err := procStart(s.RuntimePID)
	return err == nil && st == s.RuntimeStart
}

func writeState(dir string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".state.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("writing container state: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "state.json")); err != nil {
		return fmt.Errorf("writing container state: %w", err)
	}
	return nil
}

// ReadState reads the state kept in dir.
func ReadState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, "state.json"), err)
	}
	return &s, nil
}

// stateDirs returns the containers' directories under root
// (DefaultStateRoot when ""): none while root does not exist.
func stateDirs(root string) ([]string, error) {
	if root == "" {
		root = defaultStateRoot()
		if Rootless() && !ownDir(filepath.Dir(root), os.Geteuid()) {
			return nil, nil // (none yet, or another user's: not read)
		}
	}
	ents, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	dirs := make([]string, len(ents))
	for i, e := range ents {
		dirs[i] = filepath.Join(root, e.Name())
	}
	return dirs, nil
}

// List returns the states under root (DefaultStateRoot when "").
func List(root string) ([]*State, error) {
	dirs, err := stateDirs(root)
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	var out []*State
	for _, dir := range dirs {
		if s, err := ReadState(dir); err == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// Collected is one thing GC removed.
type Collected struct {
	ID   string `json:"id"`
	What string `json:"what"` // "cgroup", "mount", "dir"
	Path string `json:"path"`
}

// GC removes what runs whose runtime is gone left behind: processes still
// in their cgroups, the cgroup directories, any overlay still mounted on
// the host, and their state directories (but the upper layer of a --keep
// container that exited normally stays, until it is removed by name).
func GC(root string) ([]Collected, error) {
	dirs, err := stateDirs(root)
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	var out []Collected
	var first error
	for _, dir := range dirs {
		s, err := ReadState(dir)
		if err != nil {
			// No state yet: a run that is starting, or one killed before
			// it wrote any. Leave young ones alone.
			if fi, serr := os.Stat(dir); serr == nil && time.Since(fi.ModTime()) < 30*time.Second {
				continue
			}
			s = &State{ID: filepath.Base(dir)}
		} else if s.alive() || (s.Status == "exited" && (s.Keep || s.Detached)) {
			continue
		}
		got, err := collect(dir, s)
		out = append(out, got...)
		if err != nil && first == nil {
			first = err
		}
	}
	return out, first
}

func collect(dir string, s *State) ([]Collected, error) {
	var out []Collected
	var first error
	if s.Cgroup != nil {
		for _, d := range s.Cgroup.Dirs() {
			if _, err := os.Stat(d); err == nil {
				out = append(out, Collected{ID: s.ID, What: "cgroup", Path: d})
			}
		}
		if err := s.Cgroup.Remove(); err != nil {
			first = err
		}
	}
	// Older layouts mounted the overlay at dir/merged: make sure nothing
	// is mounted in dir before removing it.
	merged := filepath.Join(dir, "merged")
	if _, err := os.Stat(merged); err == nil && mounted(merged) {
		if err := unix.Unmount(merged, unix.MNT_DETACH); err == nil {
			out = append(out, Collected{ID: s.ID, What: "mount", Path: merged})
		} else if first == nil {
			first = fmt.Errorf("unmounting %s: %w", merged, err)
		}
	}
	// Usually only the state files are left: a few calls instead of
	// RemoveAll's walk.
	unix.Unlink(filepath.Join(dir, extraFile))
	if os.Remove(filepath.Join(dir, "state.json")) == nil && unix.Rmdir(dir) == nil {
		out = append(out, Collected{ID: s.ID, What: "dir", Path: dir})
		return out, first
	}
	if err := os.RemoveAll(dir); err != nil {
		if first == nil {
			first = fmt.Errorf("removing %s: %w", dir, err)
		}
	} else {
		out = append(out, Collected{ID: s.ID, What: "dir", Path: dir})
	}
	return out, first
}

// mounted reports whether p is a mount point in this mount namespace.
func mounted(p string) bool {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && unescapeMount(f[4]) == p {
			return true
		}
	}
	return false
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}
