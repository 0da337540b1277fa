package container

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// monitorEnv marks the re-executed binary as a detached container's
// monitor ("sysdojo container monitor"): the process that stays behind,
// runs the container as Run does, keeps its ports and records its end.
const monitorEnv = "SYSDOJO_CONTAINER_MONITOR"

// IsMonitor reports whether this process was started by Detach.
func IsMonitor() bool { return os.Getenv(monitorEnv) == "1" }

// monitorSpec is what Detach tells the monitor, as JSON on fd 3.
type monitorSpec struct {
	Rootfs, Name, Hostname string
	Image                  string
	Args, Env              []string
	Dir, Net, User         string
	Init, ReadOnly, Remove bool
	CapAdd, CapDrop        []string
	SeccompUnconfined      bool
	Limits                 Limits
	StateRoot, Exe         string
	ID, Log                string
	Volumes                []Volume
	Bridge                 *Bridge
	Ports                  []Port
}

// monitorStatus is the monitor's one answer, as a JSON line on fd 4.
type monitorStatus struct {
	Info  *Info      `json:"info,omitempty"`
	Error *i18n.Text `json:"error,omitempty"`
	Hint  *i18n.Text `json:"hint,omitempty"`
	Cause string     `json:"cause,omitempty"`
	Kind  int        `json:"kind,omitempty"`
}

// Detach starts cfg (its Hooks say which volumes, network and ports) in
// the background and returns once its command runs: a monitor process, in
// its own session, runs the container and writes its output to a log.
func Detach(cfg Config) (*Info, error) {
	h := cfg.Hooks
	if h == nil {
		h = &Hooks{}
	}
	// Bad input is said here, before anything is started.
	ic, err := cfg.prepare()
	if err != nil {
		return nil, err
	}
	for i := range h.Volumes {
		if err := h.Volumes[i].check(); err != nil {
			return nil, err
		}
	}
	if (h.Bridge != nil || len(h.Ports) > 0) && !ic.NewNet {
		return nil, newLifecycle(&Hooks{Bridge: h.Bridge, Ports: h.Ports}).prepare(&Config{}, &initConfig{})
	}
	root := cfg.StateRoot
	if root == "" {
		root = defaultStateRoot()
		if Rootless() {
			if err := makeUserBase(filepath.Dir(root)); err != nil {
				return nil, err
			}
		}
	}
	if Rootless() && cfg.Warn != nil {
		// (The monitor's run says nothing: it has no terminal.)
		for _, w := range rootlessWarnings(&cfg, ic) {
			cfg.Warn(w)
		}
	}
	if cfg.Name == "" {
		cfg.Name = NewName(root)
	} else if nameTaken(root, cfg.Name) {
		return nil, i18n.Invalid(i18n.T("a container named %q already exists (remove it with 'sysdojo container rm %s')",
			"%q라는 이름의 컨테이너가 이미 있습니다 ('sysdojo container rm %s'로 지우세요)").F(cfg.Name, cfg.Name))
	}
	spec := monitorSpec{Rootfs: cfg.Rootfs, Image: cfg.Image, Name: cfg.Name, Hostname: cfg.Hostname, Args: cfg.Args, Env: cfg.Env,
		Dir: cfg.Dir, Net: cfg.Net, User: cfg.User, Init: cfg.Init, ReadOnly: cfg.ReadOnly, Remove: cfg.Remove, CapAdd: cfg.CapAdd, CapDrop: cfg.CapDrop, SeccompUnconfined: cfg.SeccompUnconfined, Limits: cfg.Limits, StateRoot: root, Exe: cfg.Exe,
		ID: newID(), Volumes: h.Volumes, Bridge: h.Bridge, Ports: h.Ports}
	spec.Log = filepath.Join(LogDir(root), spec.ID+".log")
	if err := os.MkdirAll(LogDir(root), 0o700); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(LogDir(root)), err)
	}
	fail := func(err error) error {
		return i18n.Failed(i18n.T("cannot start the container in the background", "컨테이너를 백그라운드에서 시작할 수 없습니다"), err)
	}
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return nil, fail(err)
	}
	statR, statW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		cfgW.Close()
		return nil, fail(err)
	}
	defer statR.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, fail(err)
	}
	defer null.Close()
	env := []string{monitorEnv + "=1"}
	for _, k := range []string{"TERM", "LANG", "LC_ALL", "LC_MESSAGES", traceEnv} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	mon := &exec.Cmd{
		Path: "/proc/self/exe", Args: []string{"sysdojo", "container", "monitor"}, Env: env,
		Stdin: null, Stdout: null, Stderr: null, ExtraFiles: []*os.File{cfgR, statW},
		// Its own session: no terminal's hang-up or Ctrl-C reaches it.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = mon.Start()
	cfgR.Close()
	statW.Close()
	if err != nil {
		cfgW.Close()
		return nil, fail(err)
	}
	go mon.Wait() // reaped if this process outlives it (tests)
	json.NewEncoder(cfgW).Encode(spec)
	cfgW.Close()
	var st monitorStatus
	line, err := bufio.NewReader(statR).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &st) != nil {
		return nil, fail(errors.New("the monitor process ended without a word"))
	}
	if st.Error != nil {
		e := &i18n.Error{Kind: i18n.Kind(st.Kind), Text: *st.Error}
		if st.Hint != nil {
			e.Hint = *st.Hint
		}
		if st.Cause != "" {
			e.Err = errors.New(st.Cause)
		}
		return nil, e
	}
	return st.Info, nil
}

// RunMonitor is the monitor's whole life (see Detach): it runs the
// container and returns the exit status for the process.
func RunMonitor() int {
	cfgF := os.NewFile(3, "spec")
	statF := os.NewFile(4, "status")
	var spec monitorSpec
	if err := json.NewDecoder(cfgF).Decode(&spec); err != nil {
		return 1
	}
	cfgF.Close()
	answered := false
	answer := func(s monitorStatus) {
		if !answered {
			answered = true
			json.NewEncoder(statF).Encode(s)
			statF.Close()
		}
	}
	log, err := os.OpenFile(spec.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t := i18n.T("cannot open the log %s", "로그 %s를 열 수 없습니다").F(spec.Log)
		answer(monitorStatus{Error: &t, Cause: err.Error(), Kind: 1})
		return 1
	}
	null, _ := os.Open(os.DevNull)
	cfg := Config{Rootfs: spec.Rootfs, Image: spec.Image, Name: spec.Name, Hostname: spec.Hostname, Args: spec.Args, Env: spec.Env,
		Dir: spec.Dir, Net: spec.Net, User: spec.User, Init: spec.Init, ReadOnly: spec.ReadOnly, Remove: spec.Remove, CapAdd: spec.CapAdd, CapDrop: spec.CapDrop, SeccompUnconfined: spec.SeccompUnconfined, Limits: spec.Limits, StateRoot: spec.StateRoot, Exe: spec.Exe,
		Stdin: null, Stdout: log, Stderr: log,
		Hooks: &Hooks{ID: spec.ID, Detached: true, Volumes: spec.Volumes, Bridge: spec.Bridge, Ports: spec.Ports, Log: spec.Log,
			OnStart: func(in *Info) { answer(monitorStatus{Info: in}) }}}
	res, err := Run(cfg)
	if err != nil {
		var le *i18n.Error
		if !errors.As(err, &le) {
			le = i18n.Failed(i18n.T("the container failed", "컨테이너가 실패했습니다"), err)
		}
		s := monitorStatus{Error: &le.Text, Kind: int(le.Kind)}
		if !le.Hint.IsZero() {
			s.Hint = &le.Hint
		}
		if le.Err != nil {
			s.Cause = le.Err.Error()
		}
		if answered {
			fmt.Fprintf(log, "sysdojo: %s\n", i18n.Message(err, i18n.EN))
		}
		answer(s)
		if s.Kind == 0 {
			return 1
		}
		return s.Kind
	}
	if !answered {
		// It ended before it could be seen running (a very short command).
		code := res.ExitCode
		answer(monitorStatus{Info: &Info{ID: res.ID, Name: res.Name, Status: "exited", ExitCode: &code, Command: spec.Args, Detached: true}})
	}
	return res.ExitCode
}
