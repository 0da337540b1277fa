package container

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// ExplainLifecycle shows, for real, what exec and a published port do: it
// starts a detached container running a small web server with a port
// published, enters it with exec, asks the server from the host, and
// removes it.
func ExplainLifecycle(rootfs, stateRoot string) ([]Aspect, error) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot find a free port", "빈 포트를 찾을 수 없습니다"), err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	name := "sysdojo-explain-" + newID()[:6]
	in, err := Detach(Config{Rootfs: rootfs, Name: name, Hostname: "explained", StateRoot: stateRoot,
		Args:  []string{"/bin/sh", "-c", "mkdir -p /www && echo hello from inside > /www/index.html && exec httpd -f -p 8080 -h /www"},
		Hooks: &Hooks{Detached: true, Ports: []Port{{Host: port, Container: 8080}}}})
	if err != nil {
		return nil, err
	}
	defer Remove(stateRoot, in.Name, true)

	var out bytes.Buffer
	code, err := Exec(in.Name, ExecOptions{StateRoot: stateRoot, Stdout: &out, Stderr: &out,
		Args: []string{"/bin/sh", "-c", `hostname; echo $$; ls -d /proc/[0-9]* | wc -l; cat /proc/net/dev | grep -c :; ls /`}})
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, i18n.Failed(i18n.T("the probe failed inside the container (exit status %d)", "컨테이너 안에서 탐색이 실패했습니다 (종료 코드 %d)").F(code), nil)
	}
	ls := strings.Split(strings.TrimSpace(out.String()), "\n")
	for len(ls) < 4 {
		ls = append(ls, "")
	}
	hostName, _ := os.Hostname()
	procs, _ := os.ReadDir("/proc")
	n := 0
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err == nil {
			n++
		}
	}
	exec := Aspect{Namespace: "exec",
		What: i18n.T("entering a running container (container exec)", "실행 중인 컨테이너에 들어가기 (container exec)"),
		Host: []string{"hostname: " + hostName, fmt.Sprintf("processes: %d", n), "exec's PID: " + strconv.Itoa(os.Getpid())},
		Container: []string{"hostname: " + ls[0], "processes: " + ls[2], "exec's PID: " + ls[1],
			"interfaces: " + ls[3] + " (lo)", "/: " + strings.Join(ls[4:], " ")},
		Why: i18n.T("exec opens /proc/PID/ns/* of the container's command and calls setns(2) for each (mount, UTS, IPC, network, PID, cgroup) on one thread that first stops sharing its filesystem attributes (unshare(CLONE_FS)); it joins the container's cgroups, switches to its root, drops capabilities and sets no_new_privs, then starts the command. So the command sees the container's host name, PIDs, network and files.",
			"exec는 컨테이너 명령의 /proc/PID/ns/*를 열고, 파일시스템 속성 공유를 먼저 끊은(unshare(CLONE_FS)) 스레드 하나에서 각각 setns(2)를 호출합니다(mount, UTS, IPC, network, PID, cgroup). 그다음 컨테이너의 cgroup에 들어가고, 루트를 바꾸고, capability를 줄이고 no_new_privs를 켠 뒤 명령을 시작합니다. 그래서 명령은 컨테이너의 호스트 이름, PID, 네트워크, 파일을 봅니다.")}

	body := ""
	for i := 0; i < 100 && body == ""; i++ {
		if c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
			fmt.Fprintf(c, "GET / HTTP/1.0\r\n\r\n")
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			b, _ := io.ReadAll(c)
			c.Close()
			if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
				body = strings.TrimSpace(string(b[i+4:]))
			}
		}
		if body == "" {
			time.Sleep(20 * time.Millisecond)
		}
	}
	ports := Aspect{Namespace: "ports",
		What:      i18n.T("a published port (run -p HOSTPORT:CTRPORT)", "공개한 포트 (run -p HOSTPORT:CTRPORT)"),
		Host:      []string{fmt.Sprintf("127.0.0.1:%d (sysdojo listens)", port), fmt.Sprintf("GET http://127.0.0.1:%d/", port), "-> " + body},
		Container: []string{"httpd on :8080", "network: lo only (--net none)"},
		Why: i18n.T("The container's network namespace has only lo, so nothing from the host can reach it directly. sysdojo's runtime listens on the host's 127.0.0.1:HOSTPORT and, for each connection, opens one from a thread that has entered the container's network namespace to its port, then copies bytes both ways. With --net bridge the containers share one bridge, sysdojo0 (10.203.0.1 of 10.203.0.0/24 by default), each joined to it by a veth pair and given the next free address; the bridge is their default route, and the host masquerades what leaves through it (nftables table 'sysdojo', rules removed with the containers, the bridge with the last one), so a container reaches what the host reaches and the other containers, by name, while nothing new comes in from outside but the published ports.",
			"컨테이너의 네트워크 네임스페이스에는 lo만 있어서 호스트에서 바로 닿을 수 없습니다. sysdojo 런타임이 호스트의 127.0.0.1:HOSTPORT에서 기다리다가, 연결이 올 때마다 컨테이너 네트워크 네임스페이스에 들어간 스레드에서 컨테이너의 포트로 연결을 열고 양쪽으로 바이트를 복사합니다. --net bridge에서는 컨테이너들이 브리지 sysdojo0 하나(기본값은 10.203.0.0/24의 10.203.0.1)를 함께 씁니다. 컨테이너마다 veth 한 쌍으로 브리지에 붙고, 비어 있는 다음 주소를 받습니다. 브리지가 컨테이너의 기본 경로가 되고, 그리로 나가는 패킷은 호스트가 마스커레이드(NAT)합니다(nftables의 'sysdojo' 테이블. 규칙은 컨테이너와 함께, 브리지는 마지막 컨테이너와 함께 지워짐). 그래서 컨테이너는 호스트가 닿는 곳과 다른 컨테이너에 이름으로 닿고, 밖에서 새로 들어오는 연결은 공개한 포트로만 받습니다.")}
	return []Aspect{exec, ports}, nil
}
