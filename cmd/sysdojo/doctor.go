package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
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
	rl := container.CheckRootless(cg, ns["user"].OK)
	if asJSON {
		return e.writeJSON(map[string]any{
			"root": isRoot, "uid": os.Geteuid(), "namespaces": ns, "cgroup": cg.Layout, "cgroup_detail": cg,
			"apt": apt, "tools": tools, "tool_paths": paths, "rootless": rl,
		})
	}
	io := e.io
	mark := func(ok bool) string { return io.Mark(ok) }
	fmt.Fprintln(io.Out, io.Heading("sysdojo doctor"))
	if isRoot {
		fmt.Fprintf(io.Out, "%s %s\n", mark(true), e.t("running as root: every lesson can run for real", "root로 실행 중: 모든 실습을 실제로 할 수 있습니다"))
	} else {
		fmt.Fprintf(io.Out, "%s %s\n", mark(false), e.t(fmt.Sprintf("not root (uid %d): containers run rootless (below); steps marked as needing root need sudo", os.Geteuid()),
			fmt.Sprintf("root가 아닙니다 (uid %d): 컨테이너는 rootless로 실행됩니다 (아래 참고). root가 필요하다고 표시된 단계는 sudo가 필요합니다", os.Geteuid())))
	}
	e.doctorRootless(rl, cg, isRoot)
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

// doctorRootless says what containers can do here without root, and why.
func (e *env) doctorRootless(rl container.RootlessInfo, cg sysinfo.Cgroup, isRoot bool) {
	io := e.io
	mark := func(ok bool) string { return io.Mark(ok) }
	fmt.Fprintln(io.Out)
	if isRoot {
		fmt.Fprintln(io.Out, e.t("Containers without root (rootless: what a user who is not root gets here; figures for root's own account):",
			"root 없이 쓰는 컨테이너 (rootless: root가 아닌 사용자가 여기서 쓸 수 있는 것. 사용자별 항목은 root 계정 기준):"))
	} else {
		fmt.Fprintln(io.Out, e.t("Containers without root (rootless), for you:", "root 없이 쓰는 컨테이너 (rootless), 내 계정 기준:"))
	}
	if rl.UserNS {
		fmt.Fprintf(io.Out, "  %s %s\n", mark(true), e.t("user namespaces: allowed, so a container runs with you as root inside it (and nobody special outside)",
			"사용자 네임스페이스: 허용됨. 컨테이너 안에서는 내가 root이고, 밖에서는 그냥 나입니다"))
	} else {
		fmt.Fprintf(io.Out, "  %s %s\n", mark(false), e.t("user namespaces: not allowed for users here (see user.max_user_namespaces), so containers need sudo",
			"사용자 네임스페이스: 이 머신에서는 일반 사용자에게 허용되지 않아(user.max_user_namespaces 참고) 컨테이너에 sudo가 필요합니다"))
	}
	switch {
	case rl.FullMapping:
		fmt.Fprintf(io.Out, "  %s %s\n", mark(true), e.t(fmt.Sprintf("newuidmap and subordinate ids %d-%d: other users exist inside, so chown and apt-get's _apt user work",
			rl.SubUID[0], rl.SubUID[0]+rl.SubUID[1]-1),
			fmt.Sprintf("newuidmap과 하위 ID %d-%d: 안에 다른 사용자도 있어서 chown과 apt-get의 _apt 사용자가 동작합니다", rl.SubUID[0], rl.SubUID[0]+rl.SubUID[1]-1)))
	case !rl.IDMapHelpers:
		fmt.Fprintf(io.Out, "  %s %s\n", mark(false), e.t("no newuidmap/newgidmap (package uidmap): only your own id is mapped, so chown to other users and apt-get's sandbox user _apt fail inside",
			"newuidmap/newgidmap이 없습니다 (uidmap 패키지): 내 ID 하나만 매핑되어, 안에서 다른 사용자로 chown하거나 apt-get이 샌드박스 사용자 _apt로 바꾸는 일이 실패합니다"))
	default:
		fmt.Fprintf(io.Out, "  %s %s\n", mark(false), e.t("no range of yours in /etc/subuid and /etc/subgid: only your own id is mapped, so chown to other users and apt-get's sandbox user _apt fail inside (an admin adds one with usermod --add-subuids)",
			"/etc/subuid와 /etc/subgid에 내 범위가 없습니다: 내 ID 하나만 매핑되어, 안에서 다른 사용자로 chown하거나 apt-get이 샌드박스 사용자 _apt로 바꾸는 일이 실패합니다 (관리자가 usermod --add-subuids로 추가합니다)"))
	}
	fmt.Fprintf(io.Out, "  %s %s\n", mark(rl.OverlayUserNS), e.t(fmt.Sprintf("overlay in a user namespace: kernel %s (5.11 or later needed)", rl.Kernel),
		fmt.Sprintf("사용자 네임스페이스 안의 overlay: 커널 %s (5.11 이상 필요)", rl.Kernel)))
	if len(rl.NotEnforced) == 0 {
		fmt.Fprintf(io.Out, "  %s %s\n", mark(true), e.t("cgroup v2 delegated to you at "+rl.Delegated+": --memory, --pids and --cpus hold",
			"나에게 위임된 cgroup v2: "+rl.Delegated+". --memory, --pids, --cpus가 적용됩니다"))
	} else {
		l := strings.Join(rl.NotEnforced, ", ")
		why := map[string]i18n.Text{
			"not-v2":      i18n.T("cgroups here are %s, not pure v2", "이 머신의 cgroup은 순수 v2가 아니라 %s입니다").F(cg.Layout),
			"not-yours":   i18n.T("no cgroup of yours is writable: no systemd user session delegates one", "쓸 수 있는 내 cgroup이 없습니다: 위임해 주는 systemd 사용자 세션이 없습니다"),
			"controllers": i18n.T("delegated at %s, without every controller", "%s에 위임되었지만 컨트롤러가 모두 있지는 않습니다").F(rl.Delegated),
		}[rl.CgroupWhyNot].In(io.Lang)
		fmt.Fprintf(io.Out, "  %s %s\n", mark(false), e.t("no delegated cgroup v2 ("+why+"): "+l+" and the default pids limit are not enforced",
			"위임된 cgroup v2가 없습니다 ("+why+"): "+l+" 제한과 기본 pids 제한이 적용되지 않습니다"))
	}
	fmt.Fprintf(io.Out, "  %s %s\n", mark(true), e.t("network: --net none (only lo) and --net host; --net bridge and -p need root",
		"네트워크: --net none(lo만)과 --net host. --net bridge와 -p는 root가 필요합니다"))
	fmt.Fprintf(io.Out, "    %s\n", io.Dim(e.t("state: "+rl.StateDirectory, "상태 저장 위치: "+rl.StateDirectory)))
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
