package container

// Image roots of a rootless caller with subordinate ids are unpacked and
// removed inside a user namespace mapped as their containers are (0 is
// the caller, 1 and up the subordinate ids; see idMap). There the caller
// is root: a layer's owners are kept (apt's _apt, a user's home), and the
// files they own can be removed again, which the caller cannot do from
// outside. Without subordinate ids both happen in this process, and every
// file is the caller's.
//
// The work runs in a fresh process image of this program (as the --init
// reaper does), in two steps: started in a new user namespace, it waits
// until newuidmap and newgidmap have written its maps, then executes
// itself again, so that it holds root's capabilities in the namespace
// (execve gives them to uid 0 only, and before the maps it had no uid).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// nsHelperName is argv[0] of the helper: sysdojo-userns wait|unpack|rm ARG...
const nsHelperName = "sysdojo-userns"

// nsJob is what the helper does.
type nsJob struct {
	Op     string      `json:"op"`               // "unpack" or "rm"
	Layout string      `json:"layout,omitempty"` // unpack: the OCI layout
	Image  string      `json:"image,omitempty"`  // unpack: the image's digest in it
	Dir    string      `json:"dir"`              // where to unpack, what to remove
	Limits ImageLimits `json:"limits"`
}

// errNoSubIDs: the caller has no subordinate ids to map (or no helpers).
var errNoSubIDs = errors.New("no subordinate ids")

// inUserNS runs job in the helper, in a user namespace with the caller's
// full id map, and returns what it printed. It returns errNoSubIDs when
// there is no such map to make.
func inUserNS(job nsJob) (string, error) {
	m := planIDMap(false)
	if !m.full() {
		return "", errNoSubIDs
	}
	spec, err := json.Marshal(job)
	if err != nil {
		return "", err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	defer w.Close()
	var out, errb bytes.Buffer
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: []string{nsHelperName, "wait", string(spec)},
		Stdout: &out, Stderr: &errb, ExtraFiles: []*os.File{r},
		SysProcAttr: &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER, Pdeathsig: syscall.SIGKILL}}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", nsHelperName, err)
	}
	r.Close()
	if err := m.apply(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "", err
	}
	w.Write([]byte{1})
	w.Close()
	if err := cmd.Wait(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", errors.New(msg)
	}
	return out.String(), nil
}

// userNSHelper runs the helper when this process is one: it returns the
// exit status and true, else false at once (see Init).
func userNSHelper() (int, bool) {
	if len(os.Args) != 3 || os.Args[0] != nsHelperName {
		return 0, false
	}
	fail := func(err error) (int, bool) {
		fmt.Fprintln(os.Stderr, err)
		return 1, true
	}
	var job nsJob
	if err := json.Unmarshal([]byte(os.Args[2]), &job); err != nil {
		return fail(err)
	}
	switch os.Args[1] {
	case "wait": // the maps are written when the parent says so (or goes)
		goAhead := os.NewFile(3, "go-ahead")
		if n, _ := io.ReadFull(goAhead, make([]byte, 1)); n != 1 {
			return fail(errors.New("the parent went before mapping the user ids"))
		}
		goAhead.Close()
		return fail(syscall.Exec("/proc/self/exe", []string{nsHelperName, "run", os.Args[2]}, os.Environ()))
	case "run":
		if os.Geteuid() != 0 {
			return fail(errors.New("not root in the user namespace"))
		}
	default:
		return fail(fmt.Errorf("unknown step %q", os.Args[1]))
	}
	switch job.Op {
	case "rm":
		if err := removeTreeHere(job.Dir); err != nil {
			return fail(err)
		}
		return 0, true
	case "unpack":
		h, err := v1.NewHash(job.Image)
		if err != nil {
			return fail(err)
		}
		img, err := layout.Path(job.Layout).Image(h)
		if err != nil {
			return fail(err)
		}
		skipped, err := unpackHere(img, job.Dir, job.Limits)
		if err != nil {
			// (i18n errors travel as their English text; the parent
			// wraps them in the caller's language.)
			return fail(err)
		}
		fmt.Println(skipped)
		return 0, true
	}
	return fail(fmt.Errorf("unknown job %q", job.Op))
}

// atoiOr is strconv.Atoi of s's first line, or def.
func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

// unpackImage applies img's layers (an image of the OCI layout at
// layoutDir) in order to a new directory, then renames it to dir: a
// failed unpack leaves nothing at dir. A rootless caller with
// subordinate ids unpacks in their user namespace, owners kept.
func unpackImage(layoutDir string, img v1.Image, dir string, lim ImageLimits) (skipped int, err error) {
	if Rootless() {
		d, err := img.Digest()
		if err != nil {
			return 0, err
		}
		out, err := inUserNS(nsJob{Op: "unpack", Layout: layoutDir, Image: d.String(), Dir: dir, Limits: lim})
		if err == nil {
			return atoiOr(out, 0), nil
		}
		if err != errNoSubIDs {
			return 0, i18n.Failed(i18n.T("cannot unpack the image in your user namespace (as your rootless containers see it)",
				"사용자 네임스페이스 안에서 이미지를 풀 수 없습니다 (rootless 컨테이너가 보는 그대로 풀어야 합니다)"), err)
		}
	}
	return unpackHere(img, dir, lim)
}

// removeTree removes an unpacked root. What a rootless caller cannot
// remove (files of their subordinate ids) is removed in their user
// namespace.
func removeTree(dir string) error {
	err := removeTreeHere(dir)
	if err != nil && Rootless() {
		if _, e := inUserNS(nsJob{Op: "rm", Dir: dir}); e == nil {
			return nil
		}
	}
	return err
}
