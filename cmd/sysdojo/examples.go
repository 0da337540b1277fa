package main

import (
	"sync"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// example is one EXAMPLES entry of a command's help: a command line that
// works as it is on a fresh machine (TestHelpExamples runs every one).
type example struct {
	cmd  string
	what i18n.Text
	// For the test: the exit status the example ends with (link broken
	// exits 1 when it finds broken links), and what it needs ("root", a
	// tool's name) to be run here.
	exit  int
	needs []string
}

func ex(cmd, en, ko string) example { return example{cmd: cmd, what: i18n.T(en, ko)} }

// exits says the example ends with status n.
func (x example) exits(n int) example { x.exit = n; return x }

// need says what the example needs to run here: "root", "nonroot" (run
// as nobody when the test runs as root), "registry" (the test serves a
// class registry on 127.0.0.1:5000 with class/busybox:1), a tool's name,
// or a path that must exist. (No example needs the internet: tests have
// none.)
func (x example) need(what ...string) example { x.needs = append(x.needs, what...); return x }

// examplesFor returns the examples of the command at path ("sysdojo perm
// calc").
func examplesFor(path string) []example { return examples()[path] }

// examples are every command's EXAMPLES, keyed by the command's path, in
// one table so that the files defining the commands stay as they are.
// The table is built on first use: a command that prints no help does
// not pay for it at start.
var examples = sync.OnceValue(func() map[string][]example {
	return map[string][]example{
		"sysdojo perm explain": {
			ex("sysdojo perm explain 754", "what 754 means, who can do what", "754가 무슨 뜻이고 누가 무엇을 할 수 있는지"),
			ex("sysdojo perm explain u=rwx,go=rx", "a symbolic mode, with its octal and ls -l forms", "기호 표기 모드와 그 8진수, ls -l 표기"),
			ex("sysdojo perm explain -- -rwsr-xr-x", "an ls -l string (-- before a leading dash)", "ls -l 문자열 (맨 앞이 -이면 앞에 --)"),
		},
		"sysdojo perm calc": {
			ex("sysdojo perm calc --from 644 g+w,o-r", "what chmod g+w,o-r does to 0644, clause by clause", "chmod g+w,o-r가 0644를 어떻게 바꾸는지 한 절씩"),
			ex("sysdojo perm calc --dir --umask 022 a+X", "X on a directory: execute for everyone", "디렉터리에서 X: 모두에게 실행 권한"),
		},
		"sysdojo perm umask": {
			ex("sysdojo perm umask", "the modes new files and directories get now", "지금 새 파일과 디렉터리가 받는 모드"),
			ex("sysdojo perm umask 027", "what umask 027 would give", "umask 027이면 어떻게 되는지"),
		},
		"sysdojo perm stat": {
			ex("sysdojo perm stat /etc/passwd /tmp", "the ls -l line of each, explained", "각각의 ls -l 줄을 풀어서"),
		},
		"sysdojo perm can": {
			ex("sysdojo perm can write /tmp", "can you create and delete in /tmp? (the sticky bit)", "/tmp에 만들고 지울 수 있는지 (sticky 비트)"),
			ex("sysdojo perm can --user nobody read /etc/shadow", "why nobody cannot read /etc/shadow (exit status 1: denied)", "nobody가 /etc/shadow를 읽을 수 없는 이유 (종료 코드 1: 거부)").exits(1),
		},
		"sysdojo perm chown": {
			ex("sysdojo perm chown root:root", "owner and group", "소유자와 그룹"),
			ex("sysdojo perm chown nobody:", "a user and the user's login group", "사용자와 그 사용자의 로그인 그룹"),
		},
		"sysdojo link inspect": {
			ex("sysdojo link inspect /etc/hostname /bin/sh", "inode, link count, and where a symbolic link leads", "inode, 링크 수, 심볼릭 링크가 가리키는 곳"),
		},
		"sysdojo link same": {
			ex(`d=$(mktemp -d) && touch $d/a && ln $d/a $d/b && sysdojo link same $d/a $d`, "a file and its hard link: one inode, two names", "파일과 그 하드 링크: inode 하나, 이름 둘"),
		},
		"sysdojo link broken": {
			ex(`d=$(mktemp -d) && ln -s nowhere $d/dangling && sysdojo link broken $d`, "finds the dangling link (exit status 1: found some)", "끊어진 링크를 찾음 (종료 코드 1: 찾았음)").exits(1),
			ex("sysdojo link broken -x /etc || true", "the same on /etc's filesystem only", "/etc의 파일시스템 안에서만"),
		},
		"sysdojo link demo": {
			ex("sysdojo link demo --auto 0s", "the hard-vs-soft experiment, without waiting for Enter", "하드 링크와 심볼릭 링크 실험을 Enter 없이"),
		},
		"sysdojo apt list": {
			ex("sysdojo apt list", "this machine's APT sources", "이 머신의 APT 소스").need("/etc/apt"),
		},
		"sysdojo apt mirrors": {
			ex("sysdojo apt mirrors --country kr", "the mirrors in Korea", "한국의 미러"),
		},
		"sysdojo apt switch": {
			ex("sysdojo apt switch --dry-run kakao", "what switching to Kakao's mirror would change (writes nothing)", "카카오 미러로 바꾸면 무엇이 바뀌는지 (아무것도 쓰지 않음)").need("/etc/apt"),
			ex(`d=$(mktemp -d) && mkdir -p $d/etc/apt && echo 'deb http://deb.debian.org/debian bookworm main' > $d/etc/apt/sources.list && sysdojo apt switch --root $d kakao`,
				"switch for real, in a practice root", "연습용 루트에서 실제로 바꾸기"),
		},
		"sysdojo apt restore": {
			ex(`d=$(mktemp -d) && mkdir -p $d/etc/apt && echo 'deb http://deb.debian.org/debian bookworm main' > $d/etc/apt/sources.list && sysdojo apt switch --root $d kakao && sysdojo apt restore --root $d`,
				"switch in a practice root, then undo it", "연습용 루트에서 바꾼 뒤 되돌리기"),
		},
		"sysdojo apt explain": {
			ex("sysdojo apt explain", "the URLs apt-get update would fetch", "apt-get update가 받아 올 URL").need("/etc/apt"),
		},
		"sysdojo apt rank": {
			ex(`sysdojo apt serve --addr 127.0.0.1:8399 --for 5s & for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.3; sysdojo apt rank --distro debian --mirror http://127.0.0.1:8399/debian/ && break; done`,
				"rank a mirror served on this machine", "이 머신에서 띄운 미러 순위 매기기"),
		},
		"sysdojo apt serve": {
			ex("sysdojo apt serve --addr 127.0.0.1:8399 --mirrors 2 --for 1s", "two local mirrors for a second", "로컬 미러 두 개를 1초 동안"),
		},
		"sysdojo container rootfs build": {
			ex("sysdojo container rootfs build ./rootfs", "a minimal root filesystem in ./rootfs", "./rootfs에 최소 루트 파일시스템").need("busybox"),
		},
		"sysdojo container rootfs import": {
			ex("sysdojo container rootfs build ./rootfs && tar -C rootfs -cf rootfs.tar . && sysdojo container rootfs import rootfs.tar ./rootfs2",
				"unpack a rootfs tarball (docker save and OCI layouts work too)", "rootfs tar를 풀기 (docker save, OCI 레이아웃도 됨)").need("busybox"),
		},
		"sysdojo container run": {
			ex("sudo sysdojo container run --rm -- echo hello", "a command in a new container", "새 컨테이너에서 명령 하나").need("root", "busybox"),
			ex("sudo sysdojo container run --rm -u 65534 -m 64m --cpus 0.5 --read-only -- id", "as uid 65534, with memory and CPU limits, the root read-only", "uid 65534로, 메모리와 CPU 제한을 두고, 루트는 읽기 전용으로").need("root", "busybox"),
			ex("sudo sysdojo container run -d --name web -p 8080:80 -- httpd -f -p 80 && sudo sysdojo container rm -f web",
				"a web server in the background, on the host's 127.0.0.1:8080", "백그라운드 웹 서버를 호스트의 127.0.0.1:8080에").need("root", "busybox"),
		},
		"sysdojo container gc": {
			ex("sudo sysdojo container gc", "remove what killed runs left behind", "강제 종료된 실행이 남긴 것을 지움").need("root"),
		},
		"sysdojo container explain": {
			ex("sudo sysdojo container explain", "the host and a container, namespace by namespace", "호스트와 컨테이너를 네임스페이스별로").need("root", "busybox"),
		},
		"sysdojo container ps": {
			ex("sudo sysdojo container ps -a", "every container, the exited ones too", "끝난 것까지 모든 컨테이너").need("root"),
			ex("sudo sysdojo container ls --json", "the same as JSON (ls is ps)", "같은 목록을 JSON으로 (ls는 ps와 같음)").need("root"),
		},
		"sysdojo container exec": {
			ex("sudo sysdojo container run -d --name box -- sleep 1000 && sudo sysdojo container exec -u 65534 -w /tmp box -- sh -c 'id -u; pwd' && sudo sysdojo container rm -f box",
				"a command inside a running container, as another user", "실행 중인 컨테이너 안에서 다른 사용자로 명령 실행").need("root", "busybox"),
		},
		"sysdojo container stop": {
			ex("sudo sysdojo container run -d --name box -- sleep 1000 && sudo sysdojo container stop -t 1s box && sudo sysdojo container rm box",
				"SIGTERM, then SIGKILL after a second (sleep as PID 1 ignores SIGTERM)", "SIGTERM 뒤 1초가 지나면 SIGKILL (PID 1인 sleep은 SIGTERM을 무시)").need("root", "busybox"),
		},
		"sysdojo container kill": {
			ex("sudo sysdojo container run -d --name box -- sleep 1000 && sudo sysdojo container kill box && sudo sysdojo container rm box",
				"SIGKILL at once", "바로 SIGKILL").need("root", "busybox"),
		},
		"sysdojo container rm": {
			ex("sudo sysdojo container run -d --name box -- true && sudo sysdojo container rm -f box", "remove a container, running or not", "실행 중이든 아니든 컨테이너를 지움").need("root", "busybox"),
		},
		"sysdojo container logs": {
			ex("sudo sysdojo container run -d --name box -- echo hello && sleep 1 && sudo sysdojo container logs box && sudo sysdojo container rm -f box",
				"what a background container printed", "백그라운드 컨테이너가 출력한 것").need("root", "busybox"),
		},
		"sysdojo container inspect": {
			ex(`sudo sysdojo container run -d --name box -m 64m -- sleep 1000 && sudo sysdojo container inspect -f '{{.Status}} {{.PID}} {{.Limits.Memory}}' box && sudo sysdojo container rm -f box`,
				"one field, with a Go template", "Go 템플릿으로 필드 하나만").need("root", "busybox"),
		},
		"sysdojo container bundle": {
			ex("sudo sysdojo container bundle ./bundle -- echo hi", "an OCI bundle: then 'sudo runc run --bundle ./bundle hi'", "OCI 번들: 그다음 'sudo runc run --bundle ./bundle hi'").need("root", "busybox"),
		},
		"sysdojo lesson list": {
			ex("sysdojo lesson list", "every lesson and how far you are", "모든 레슨과 진행 상황"),
		},
		"sysdojo lesson start": {
			ex("sysdojo lesson start perm-ls", "start the first lesson: its workspace and first step", "첫 레슨 시작: 작업 디렉터리와 첫 단계"),
		},
		"sysdojo lesson show": {
			ex("sysdojo lesson start perm-ls && sysdojo lesson show", "the current step again", "현재 단계를 다시"),
		},
		"sysdojo lesson check": {
			ex("sysdojo lesson start perm-octal && sysdojo lesson check", "check your work (exit status 1: not yet)", "한 일을 확인 (종료 코드 1: 아직)").exits(1),
		},
		"sysdojo lesson hint": {
			ex("sysdojo lesson start perm-ls && sysdojo lesson hint", "a hint for the current step", "현재 단계의 힌트"),
		},
		"sysdojo lesson answer": {
			ex(`sysdojo lesson start perm-ls && cd ~/sysdojo-lab/perm-ls && sysdojo lesson answer "$(ls -l sample.txt | cut -c2-4)"`,
				"answer a question step, here with what ls -l shows (exit status 1 when the answer is not right)", "질문 단계에 답하기. 여기서는 ls -l이 보여 주는 값으로 (답이 틀리면 종료 코드 1)"),
		},
		"sysdojo lesson skip": {
			ex("sysdojo lesson start owner-chown && sysdojo lesson skip", "not root: skip a step that needs root", "root가 아닐 때 root가 필요한 단계를 건너뛰기").need("nonroot"),
		},
		"sysdojo lesson reset": {
			ex("sysdojo lesson start perm-ls && sysdojo lesson reset -y perm-ls", "start the lesson over, without asking", "묻지 않고 레슨을 처음부터"),
		},
		"sysdojo lesson handout": {
			ex("sysdojo lesson handout perm-ls > perm-ls.md", "the lesson as a handout to print", "인쇄할 수 있는 유인물로"),
		},
		"sysdojo lesson watch": {
			ex("sysdojo lesson start perm-ls && timeout -s INT --preserve-status 3s sysdojo lesson watch",
				"check again on every change, for 3 seconds (Ctrl-C or q stops it)", "3초 동안 바뀔 때마다 다시 확인 (Ctrl-C나 q로 끝냄)"),
		},
		"sysdojo progress": {
			ex("sysdojo progress", "what you have done", "지금까지 한 것"),
		},
		"sysdojo progress export": {
			ex("sysdojo progress export > progress.json", "your progress, to hand in or move", "제출하거나 옮길 진행 기록"),
		},
		"sysdojo progress import": {
			ex("sysdojo progress export > progress.json && sysdojo progress import progress.json", "bring an exported progress back", "내보낸 진행 기록을 다시 가져옴"),
		},
		"sysdojo tour": {
			ex("sysdojo tour --auto 0s", "the tour, without waiting for Enter", "Enter 없이 둘러보기"),
		},
		"sysdojo demo": {
			ex("sysdojo demo perm-ls --auto 0s", "a lesson narrated and run live, for a projector", "프로젝터용으로 레슨을 설명하며 바로 실행"),
		},
		"sysdojo quiz": {
			ex("sysdojo quiz perm --count 3 --key", "three permission questions with their answers", "권한 문제 세 개와 정답"),
			ex(`printf 'a\nb\nc\n' | sysdojo quiz links --count 3 --seed 7 || true`, "answers from a pipe, as a script would give them", "스크립트처럼 파이프로 답하기"),
		},
		"sysdojo class report": {
			ex("sysdojo progress export > kim.json && sysdojo class report kim.json", "the class at a glance, from the students' exports", "학생들이 내보낸 파일로 반 전체를 한눈에"),
		},
		"sysdojo doctor": {
			ex("sysdojo doctor", "what this machine allows", "이 머신에서 할 수 있는 것"),
		},
		"sysdojo completion": {
			ex("echo 'source <(sysdojo completion bash)' >> ~/.bashrc", "bash: complete commands, flags, lesson IDs, mirror and container names", "bash: 명령, 옵션, 레슨 ID, 미러와 컨테이너 이름 자동 완성"),
		},
		"sysdojo man": {
			ex("sysdojo man", "the manual page (from the .deb, or the tarball's man/ beside the binary); without one, how to get it, and exit status 1 (in a clone: make man)",
				"매뉴얼 페이지 (.deb로 설치했거나 tarball의 man/이 실행 파일 옆에 있을 때). 없으면 구하는 방법을 알려 주고 종료 코드 1 (소스에서는 make man으로 만듦)").exits(1),
		},
		"sysdojo version": {
			ex("sysdojo version", "the version, commit, build date and Go version", "버전, 커밋, 빌드 날짜, Go 버전"),
			ex("sysdojo version --json", "the same as JSON, for a script or a bug report", "같은 내용을 JSON으로 (스크립트나 버그 보고용)"),
		},
		"sysdojo container rootfs debian": {
			ex(`sysdojo apt serve --addr 127.0.0.1:8399 --for 60s & until (: >/dev/tcp/127.0.0.1/8399) 2>/dev/null; do sleep 0.2; done; sysdojo container rootfs debian --mirror http://127.0.0.1:8399/debian --variant extract --include sysdojo-hello ./deb && kill $!`,
				"with no internet: a tiny root (one package) from a mirror served on this machine, then stop the mirror", "인터넷 없이: 이 머신에서 띄운 미러로 패키지 하나만 든 작은 루트를 만들고 미러를 끔").need("root", "mmdebstrap"),
		},
		"sysdojo container rootfs ubuntu": {
			ex(`sysdojo apt serve --addr 127.0.0.1:8399 --for 60s & until (: >/dev/tcp/127.0.0.1/8399) 2>/dev/null; do sleep 0.2; done; sysdojo container rootfs ubuntu --mirror http://127.0.0.1:8399/ubuntu --variant extract --include sysdojo-hello ./ubuntu && kill $!`,
				"the same for Ubuntu (noble by default)", "우분투도 같은 방법으로 (기본값 noble)").need("root", "mmdebstrap"),
		},
		"sysdojo container pull": {
			ex("sysdojo container pull 127.0.0.1:5000/class/busybox:1", "from the class registry on this machine (debian:12 alone: Docker Hub)",
				"이 머신의 수업용 레지스트리에서 (debian:12처럼만 쓰면 Docker Hub)").need("busybox", "registry"),
		},
		"sysdojo container images": {
			ex("sysdojo container pull -q 127.0.0.1:5000/class/busybox:1 && sysdojo container images", "the images pulled so far", "지금까지 받은 이미지").need("busybox", "registry"),
		},
		"sysdojo container rmi": {
			ex("sysdojo container pull -q 127.0.0.1:5000/class/busybox:1 && sysdojo container rmi 127.0.0.1:5000/class/busybox:1",
				"remove an image no container uses", "어떤 컨테이너도 쓰지 않는 이미지를 지움").need("busybox", "registry"),
		},
		"sysdojo container diff": {
			ex("sudo sysdojo container run -d --name box -- sleep 1000 && sudo sysdojo container exec box -- sh -c 'echo hi > /root/note' && sudo sysdojo container diff box && sudo sysdojo container rm -f box",
				"what a command inside changed", "안에서 실행한 명령이 바꾼 것").need("root", "busybox"),
		},
		"sysdojo container commit": {
			ex("sudo sysdojo container run -d --name box -- sleep 1000 && sudo sysdojo container exec box -- sh -c 'echo hi > /root/note' && sudo sysdojo container commit box ./saved && sudo sysdojo container rm -f box",
				"keep the changes as a new rootfs ('container run --rootfs ./saved' runs it)", "바뀐 것을 새 rootfs로 남김 ('container run --rootfs ./saved'로 실행)").need("root", "busybox"),
		},
		"sysdojo lesson solution": {
			ex("sysdojo lesson start perm-ls && sysdojo lesson solution", "the full solution of the current step (your teacher sees you asked)", "현재 단계의 전체 풀이 (본 것이 기록되어 선생님이 알 수 있음)"),
		},
		"sysdojo lesson new": {
			ex("sysdojo lesson new my-lesson", "write my-lesson.yaml, a skeleton to fill in", "채워 넣을 뼈대 my-lesson.yaml을 만듦"),
		},
		"sysdojo lesson validate": {
			ex("sysdojo lesson new my-lesson && sysdojo lesson validate .", "check the lessons in a directory: each step fails before its solution and passes after it",
				"디렉터리의 레슨 검사: 단계마다 풀이 전에는 실패하고 풀이 뒤에는 통과하는지"),
		},
		"sysdojo class serve": {
			ex("sudo timeout -s INT --preserve-status 3s sysdojo class serve --class-socket ./class.sock --store ./class.db",
				"a class server for 3 seconds, with its socket and record here (Ctrl-C stops it)", "소켓과 기록을 여기에 두고 3초 동안 수업 서버 실행 (Ctrl-C로 끝냄)").need("root"),
		},
		"sysdojo class results": {
			ex(`sudo timeout -s INT 5s sysdojo class serve --class-socket $PWD/class.sock --store class.db & until [ -S class.sock ]; do sleep 0.2; done; sysdojo --class-socket class.sock class results`,
				"what a class server recorded for you", "수업 서버가 나에 대해 기록한 것").need("root"),
		},
	}
})
