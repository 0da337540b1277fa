package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/internal/testenv"
	"github.com/sysdojo/sysdojo/internal/testregistry"
)

// commandPaths returns the path of every visible command ("perm calc"),
// and whether it is a leaf, the app itself first (as "").
func commandPaths(t *testing.T) (paths []string, leaf map[string]bool) {
	t.Helper()
	io, _, _ := term.Test("")
	app := newApp(io, func(string) string { return "" })
	leaf = map[string]bool{}
	paths = []string{""}
	var walk func(cmds []*cli.Command, parent string)
	walk = func(cmds []*cli.Command, parent string) {
		for _, c := range cmds {
			if c.Hidden || c.Name == "help" {
				continue
			}
			p := strings.TrimSpace(parent + " " + c.Name)
			paths = append(paths, p)
			leaf[p] = len(c.Subcommands) == 0
			walk(c.Subcommands, p)
		}
	}
	walk(app.Commands, "")
	return paths, leaf
}

// helpOf runs 'sysdojo --lang LANG PATH --help' with COLUMNS=cols.
func helpOf(t *testing.T, path, lang string, cols int) string {
	t.Helper()
	io, out, errb := term.Test("")
	args := append([]string{"sysdojo", "--lang", lang}, strings.Fields(path)...)
	env := map[string]string{"COLUMNS": strconv.Itoa(cols)}
	if code := run(append(args, "--help"), io, func(k string) string { return env[k] }); code != 0 || errb.Len() > 0 {
		t.Fatalf("%s --help: exit %d, stderr %q", path, code, errb)
	}
	return out.String()
}

// TestHelpFitsWidth: the help of every command, in both languages, at
// COLUMNS=60, 80 and 120, has no line wider than the terminal (100 at
// most), URLs aside; and its examples and usage are there.
func TestHelpFitsWidth(t *testing.T) {
	paths, _ := commandPaths(t)
	for _, path := range paths {
		for _, lang := range []string{"en", "ko"} {
			for _, cols := range []int{60, 80, 120} {
				h := helpOf(t, path, lang, cols)
				limit := min(cols, term.MaxColumns)
				for _, line := range strings.Split(h, "\n") {
					if term.Width(line) > limit && !strings.Contains(line, "://") {
						t.Errorf("sysdojo %s --help (%s, COLUMNS=%d): %d columns: %q", path, lang, cols, term.Width(line), line)
					}
				}
				if !strings.Contains(h, "sysdojo "+path) {
					t.Errorf("sysdojo %s --help (%s) does not name the command:\n%s", path, lang, h)
				}
			}
		}
	}
}

// TestHelpWrapsToTheTerminal: wider terminals get longer lines (up to
// 100 columns), so COLUMNS is read.
func TestHelpWrapsToTheTerminal(t *testing.T) {
	widest := func(s string) int {
		w := 0
		for _, l := range strings.Split(s, "\n") {
			w = max(w, term.Width(l))
		}
		return w
	}
	narrow, wide := widest(helpOf(t, "container run", "en", 60)), widest(helpOf(t, "container run", "en", 120))
	if narrow > 60 || wide <= 80 || wide > 100 {
		t.Errorf("container run --help: widest line %d at COLUMNS=60, %d at COLUMNS=120", narrow, wide)
	}
}

// englishSentence is three or more English words in a row.
var englishSentence = regexp.MustCompile(`[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}`)

// koreanCode removes from a line of Korean help what stays as it is in
// every language: example command lines, flag names, quoted commands and
// templates, paths, placeholders in capitals.
var koreanCode = []*regexp.Regexp{
	regexp.MustCompile(`'[^']*'`), regexp.MustCompile("`[^`]*`"), regexp.MustCompile(`"[^"]*"`),
	regexp.MustCompile(`--?[A-Za-z][A-Za-z0-9-]*`), regexp.MustCompile(`\S*/\S*`),
	regexp.MustCompile(`\b[A-Z][A-Z0-9_]+\b`), regexp.MustCompile(`\{\{[^}]*\}\}`),
	regexp.MustCompile(`\bsysdojo( [a-z][a-z-]*)+`), // a command named in the text
}

// TestHelpKoreanHasNoEnglish: --lang ko help has no English sentence, in
// sysdojo's text or urfave/cli's, for any command.
func TestHelpKoreanHasNoEnglish(t *testing.T) {
	paths, _ := commandPaths(t)
	for _, path := range paths {
		h := helpOf(t, path, "ko", 100)
		cont := false
		for _, line := range strings.Split(h, "\n") {
			trim := strings.TrimSpace(line)
			isCmd := strings.HasPrefix(trim, "$ ") || cont || strings.HasPrefix(trim, "sysdojo ") && !strings.Contains(trim, " - ")
			cont = isCmd && strings.HasSuffix(trim, "\\")
			if isCmd {
				continue
			}
			if i := strings.Index(trim, " - "); i >= 0 && strings.HasPrefix(trim, "sysdojo") {
				trim = trim[i+3:] // "sysdojo perm calc - ..." names the command
			}
			s := trim
			for _, re := range koreanCode {
				s = re.ReplaceAllString(s, " ")
			}
			if m := englishSentence.FindString(s); m != "" {
				t.Errorf("sysdojo %s --help --lang ko: English %q in %q", path, m, line)
			}
		}
	}
}

// TestEveryLeafHasExamples: each command that does something has at
// least one example, and the examples are shown in its help.
func TestEveryLeafHasExamples(t *testing.T) {
	paths, leaf := commandPaths(t)
	for _, path := range paths {
		full := strings.TrimSpace("sysdojo " + path)
		if !leaf[path] && len(examples()[full]) == 0 {
			continue
		}
		if len(examples()[full]) == 0 {
			t.Errorf("%s has no examples", full)
			continue
		}
		h := helpOf(t, path, "en", 100)
		if !strings.Contains(h, "EXAMPLES") || !strings.Contains(h, "$ ") {
			t.Errorf("%s --help shows no examples:\n%s", full, h)
		}
	}
	for path := range examples() {
		if _, ok := leaf[strings.TrimPrefix(path, "sysdojo ")]; !ok {
			t.Errorf("examples for %q, which is no command", path)
		}
	}
}

// TestHelpExamples runs every example of every command's help, as a user
// would paste it into bash, in a fresh home directory, and checks its exit
// status. Examples that need root, a tool or a path this machine lacks
// are skipped with the reason (a failure under SYSDOJO_REQUIRE_ALL=1).
func TestHelpExamples(t *testing.T) {
	if raceEnabled {
		// .ci/run runs every test twice, the second time with -race: the
		// examples are run once, without it (each is a fresh process of
		// this binary; there is no concurrency of ours for -race to see).
		t.Skip("the examples run once, without -race")
	}
	bash := testenv.NeedTool(t, "bash")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A directory everyone can read, with this test binary as sysdojo
	// (TestMain runs the CLI when it is called so): the examples that
	// run as another user can run it too.
	bin, err := os.MkdirTemp("", "sysdojo-examples-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(bin)
	os.Chmod(bin, 0o755)
	if err := copyExe(exe, filepath.Join(bin, "sysdojo")); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(bin, "cache") // one default rootfs for all
	defer exampleRegistry.stop()
	for path, list := range examples() {
		for i, x := range list {
			t.Run(strings.ReplaceAll(path, " ", "_")+"/"+strconv.Itoa(i), func(t *testing.T) {
				runExample(t, bash, bin, cache, x)
			})
		}
	}
}

func runExample(t *testing.T, bash, bin, cache string, x example) {
	asNobody := false
	for _, n := range x.needs {
		switch {
		case n == "root":
			testenv.NeedRoot(t)
		case n == "nonroot":
			asNobody = os.Geteuid() == 0
			if asNobody {
				testenv.NeedTool(t, "setpriv")
			}
		case n == "registry":
			exampleRegistry.start(t, bin)
		case strings.HasPrefix(n, "/"):
			if _, err := os.Stat(n); err != nil {
				testenv.Skip(t, "needs "+n)
			}
		default:
			testenv.NeedTool(t, n)
		}
	}
	home := filepath.Join(bin, "home-"+strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cmdline := x.cmd
	if os.Geteuid() == 0 {
		cmdline = strings.ReplaceAll(cmdline, "sudo ", "")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a guard against a hang
	defer cancel()
	var cmd *exec.Cmd
	if asNobody {
		os.Chown(home, 65534, 65534)
		cmd = exec.CommandContext(ctx, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bash, "-c", cmdline)
	} else {
		cmd = exec.CommandContext(ctx, bash, "-c", cmdline)
	}
	cmd.Dir = home
	cmd.Env = []string{"PATH=" + bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + home,
		"LANG=C.UTF-8", "XDG_STATE_HOME=" + home + "/.local/state", "XDG_CONFIG_HOME=" + home + "/.config",
		"XDG_CACHE_HOME=" + cache, "TMPDIR=" + home}
	if asNobody {
		cmd.Env = append(cmd.Env[:len(cmd.Env)-2], "XDG_CACHE_HOME="+home+"/.cache", "TMPDIR="+home)
	}
	out, _ := cmd.CombinedOutput()
	code := cmd.ProcessState.ExitCode()
	if os.Geteuid() == 0 {
		for _, name := range []string{"box", "web"} {
			container.Remove("", name, true)
		}
	}
	if code != x.exit {
		t.Errorf("example %q: exit status %d, want %d; output:\n%s", x.cmd, code, x.exit, out)
	}
	if strings.Contains(string(out), "panic:") {
		t.Errorf("example %q panicked:\n%s", x.cmd, out)
	}
}

// exampleRegistry is the class registry the "registry" examples pull
// from: go-containerregistry's, in the test, on 127.0.0.1:5000 (the
// usual port of a registry), with class/busybox:1, a busybox root.
type classRegistry struct {
	once sync.Once
	srv  *http.Server
	err  error
}

var exampleRegistry classRegistry

const exampleRegistryAddr = "127.0.0.1:5000"

func (r *classRegistry) start(t *testing.T, bin string) {
	t.Helper()
	testenv.NeedTool(t, "busybox")
	r.once.Do(func() {
		l, err := net.Listen("tcp", exampleRegistryAddr)
		if err != nil {
			r.err = err
			return
		}
		r.srv = &http.Server{Handler: testregistry.Handler()}
		go r.srv.Serve(l)
		dir := filepath.Join(bin, "registry-rootfs")
		if out, err := exec.Command(filepath.Join(bin, "sysdojo"), "container", "rootfs", "build", dir).CombinedOutput(); err != nil {
			r.err = fmt.Errorf("container rootfs build: %v\n%s", err, out)
			return
		}
		r.err = pushImage(exampleRegistryAddr+"/class/busybox:1", dir, []string{"/bin/sh", "-c", "echo hello from the class image"})
	})
	if r.err != nil {
		testenv.Skip(t, "no class registry on "+exampleRegistryAddr+": "+r.err.Error())
	}
}

func (r *classRegistry) stop() {
	if r.srv != nil {
		r.srv.Close()
	}
}

func copyExe(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestExplanationsFitWidth: explanations wrap to the terminal too.
func TestExplanationsFitWidth(t *testing.T) {
	for _, args := range [][]string{{"perm", "explain", "6755"}, {"perm", "explain", "--dir", "3777"}, {"perm", "can", "--user", "nobody", "read", "/etc/shadow"}} {
		for _, lang := range []string{"en", "ko"} {
			io, out, _ := term.Test("")
			env := map[string]string{"COLUMNS": "60"}
			run(append([]string{"sysdojo", "--lang", lang}, args...), io, func(k string) string { return env[k] })
			for _, l := range strings.Split(out.String(), "\n") {
				if term.Width(l) > 60 {
					t.Errorf("%v (%s) at COLUMNS=60: %d columns: %q", args, lang, term.Width(l), l)
				}
			}
		}
	}
}
