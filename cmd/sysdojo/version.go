package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// Set by the release build (Makefile):
//
//	-ldflags "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-12-06T12:00:00Z"
//
// Other builds (go install, go build in a clone) take what the Go
// toolchain recorded instead: the module version and the VCS stamp.
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildInfo is what `sysdojo version --json` prints.
type buildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go"`
	Platform  string `json:"platform"`
	Modified  bool   `json:"modified,omitempty"`
}

// readBuildInfo merges the -ldflags values with debug.ReadBuildInfo.
func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true" && commit == ""
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

// line is the one line --version prints.
func (b buildInfo) line() string {
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if b.Modified {
		c += "+dirty"
	}
	return fmt.Sprintf("sysdojo %s (commit %s, built %s, %s %s)", b.Version, c, b.Date, b.GoVersion, b.Platform)
}

// addVersion gives the app a global --version flag and a version command.
// (urfave/cli's own version flag is a package-level variable, and -v is
// too precious a short flag to spend on it.)
func addVersion(e *env, app *cli.App) {
	app.Flags = append(app.Flags, &cli.BoolFlag{Name: "version",
		Usage: e.t("print the version and exit", "버전을 출력하고 끝냄")})
	action := app.Action
	app.Action = func(c *cli.Context) error {
		if c.Bool("version") {
			_, err := fmt.Fprintln(e.io.Out, readBuildInfo().line())
			return err
		}
		return action(c)
	}
	v := newVersionCommand(e)
	app.Commands = append(app.Commands, v)
	// (added after installHelp walked the commands: its help too is ours)
	helpFor.Store(v, &helpTarget{e: e, path: "sysdojo version", cmd: v, app: app, acts: true})
}

func newVersionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: e.t("print the version, commit, build date and Go version", "버전, 커밋, 빌드 날짜, Go 버전 출력"),
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json",
			Usage: e.t("print the same as one JSON document", "같은 내용을 JSON 문서 하나로 출력")}},
		Action: func(c *cli.Context) error {
			if _, err := args(c, 0, 0, "[--json]"); err != nil {
				return err
			}
			b := readBuildInfo()
			if c.Bool("json") {
				return e.writeJSON(b)
			}
			commit := b.Commit
			if b.Modified {
				commit += " " + e.t("(with uncommitted changes)", "(커밋하지 않은 변경 포함)")
			}
			rows := [][2]string{
				{e.t("version", "버전"), b.Version},
				{e.t("commit", "커밋"), commit},
				{e.t("built", "빌드"), b.Date},
				{"Go", b.GoVersion + " " + b.Platform},
			}
			for _, r := range rows {
				if _, err := fmt.Fprintf(e.io.Out, "%s: %s\n", r[0], r[1]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
