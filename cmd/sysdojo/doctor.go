package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"sysdojo/internal/i18n"
	"sysdojo/internal/sysinfo"
)

func newDoctorCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "doctor",
		Usage: e.t("what this machine allows: root? namespaces? cgroup v1/v2? apt layout? tools?", "이 머신에서 되는 것: root? 네임스페이스? cgroup v1/v2? apt 구성? 도구?"),
		Flags: []cli.Flag{jsonFlag, &cli.StringFlag{Name: "root", Value: "/", Usage: e.t("look for APT files under this directory", "APT 파일을 이 디렉터리 아래에서 찾음")}},
		Action: func(c *cli.Context) error {
			if _, err := args(c, 0, 0, ""); err != nil {
				return err
			}
			return e.doctor(c.String("root"), c.Bool("json"))
		},
	}
}

func (e *env) doctor(root string, asJSON bool) error {
	isRoot := os.Geteuid() == 0
	ns := sysinfo.Namespaces()
	cg, err := sysinfo.CgroupLayout()
	if err != nil {
		return i18n.Failed(i18n.T("cannot read the cgroup layout", "cgroup 구성을 읽을 수 없습니다"), err)
	}
	apt, err := sysinfo.AptLayout(root)
	if err != nil {
		return i18n.Failed(i18n.T("cannot read the APT layout", "APT 구성을 읽을 수 없습니다"), err)
	}
	paths := sysinfo.Tools()
	tools := map[string]bool{}
	for k, v := range paths {
		tools[k] = v != ""
	}
	if asJSON {
		return e.writeJSON(map[string]any{
			"root": isRoot, "uid": os.Geteuid(), "namespaces": ns, "cgroup": cg.Layout, "cgroup_detail": cg,
			"apt": apt, "tools": tools, "tool_paths": paths,
		})
	}
	io := e.io
	mark := func(ok bool) string { return io.Mark(ok) }
	fmt.Fprintln(io.Out, io.Heading("sysdojo doctor"))
	if isRoot {
		fmt.Fprintf(io.Out, "%s %s\n", mark(true), e.t("running as root: every lesson can run for real", "root로 실행 중: 모든 실습을 실제로 할 수 있습니다"))
	} else {
		fmt.Fprintf(io.Out, "%s %s\n", mark(false), e.t(fmt.Sprintf("not root (uid %d): container parts need sudo", os.Geteuid()),
			fmt.Sprintf("root가 아닙니다 (uid %d): 컨테이너 실습은 sudo가 필요합니다", os.Geteuid())))
	}
	fmt.Fprintln(io.Out)
	fmt.Fprintln(io.Out, e.t("Namespaces that can be created:", "만들 수 있는 네임스페이스:"))
	for _, k := range sysinfo.NamespaceNames() {
		n := ns[k]
		note := ""
		switch {
		case n.ViaUser:
			note = e.t("only inside a new user namespace", "새 사용자 네임스페이스 안에서만")
		case !n.OK:
			note = n.Error
		}
		fmt.Fprintf(io.Out, "  %s %-7s %s\n", mark(n.OK), k, io.Dim(note))
	}
	fmt.Fprintln(io.Out)
	layout := map[string]i18n.Text{
		"v2":     i18n.T("v2 (unified, at %s)", "v2 (통합 계층, %s)"),
		"v1":     i18n.T("v1 (one hierarchy per controller)", "v1 (컨트롤러마다 계층이 따로)"),
		"hybrid": i18n.T("hybrid (v1 controllers, plus cgroup2 at %s)", "하이브리드 (v1 컨트롤러에 cgroup2가 %s에 함께)"),
		"none":   i18n.T("none mounted", "마운트된 것이 없음"),
	}[cg.Layout]
	desc := layout.In(io.Lang)
	if strings.Contains(desc, "%s") {
		desc = fmt.Sprintf(desc, cg.V2)
	}
	fmt.Fprintf(io.Out, "%s %s %s\n", mark(cg.Layout != "none"), e.t("cgroup:", "cgroup:"), desc)
	for _, c := range []string{"memory", "pids", "cpu"} {
		if p, ok := cg.V1[c]; ok {
			fmt.Fprintf(io.Out, "    v1 %-7s %s\n", c, p)
		}
	}
	fmt.Fprintln(io.Out)
	fmt.Fprintf(io.Out, "%s %s %s\n", mark(apt.SourceList || len(apt.Lists)+len(apt.Sources) > 0), e.t("APT under", "APT 위치"), root)
	fmt.Fprintf(io.Out, "    sources.list: %v\n", e.yesNo(apt.SourceList))
	fmt.Fprintf(io.Out, "    sources.list.d/*.list: %s\n", listOrNone(apt.Lists, e))
	fmt.Fprintf(io.Out, "    sources.list.d/*.sources: %s\n", listOrNone(apt.Sources, e))
	fmt.Fprintln(io.Out)
	fmt.Fprintln(io.Out, e.t("Optional tools:", "있으면 쓰는 도구:"))
	for _, t := range sysinfo.OptionalTools {
		where := paths[t]
		if where == "" {
			where = e.t("not installed", "설치 안 됨")
		}
		fmt.Fprintf(io.Out, "  %s %-10s %s\n", mark(paths[t] != ""), t, io.Dim(where))
	}
	return nil
}

func (e *env) yesNo(b bool) string {
	if b {
		return e.t("yes", "있음")
	}
	return e.t("no", "없음")
}

func listOrNone(l []string, e *env) string {
	if len(l) == 0 {
		return e.t("none", "없음")
	}
	return strings.Join(l, ", ")
}
