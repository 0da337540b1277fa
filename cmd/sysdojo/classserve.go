package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/time/rate"

	"github.com/sysdojo/sysdojo/class"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

func newClassServeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: e.t("run the class server: students' checks are run and recorded here (as root)", "수업 서버 실행: 학생들의 확인을 여기서 실행하고 기록 (root로)"),
		Description: e.t(
			"Students' 'sysdojo lesson check', 'answer' and 'hint' reach this server over a Unix\n"+
				"socket. It learns who asks from the kernel, checks that student's own workspace\n"+
				"with that student's rights, and records the result in its store, which students\n"+
				"cannot write. With --http it serves the class dashboard; the address it prints\n"+
				"holds the access token. Stop it with Ctrl-C.",
			"학생들의 'sysdojo lesson check', 'answer', 'hint'가 유닉스 소켓으로 이 서버에 옵니다.\n"+
				"누가 물었는지는 커널에게 듣고, 그 학생의 작업 디렉터리를 그 학생의 권한으로\n"+
				"확인한 뒤, 학생이 고칠 수 없는 저장소에 결과를 기록합니다. --http를 주면 수업\n"+
				"현황판을 띄웁니다. 출력되는 주소에 접근 토큰이 들어 있습니다. Ctrl-C로 멈춥니다."),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "class-socket", Usage: e.t("the socket students connect to (default $SYSDOJO_CLASS, else "+class.DefaultSocket+")", "학생들이 연결할 소켓 (기본값 $SYSDOJO_CLASS, 없으면 "+class.DefaultSocket+")")},
			&cli.StringFlag{Name: "store", Value: class.DefaultStore, Usage: e.t("the server's record (one file)", "서버의 기록 (파일 하나)")},
			&cli.StringFlag{Name: "http", Usage: e.t("serve the dashboard on ADDR, e.g. 127.0.0.1:8080", "ADDR에서 현황판을 띄움 (예: 127.0.0.1:8080)")},
			&cli.DurationFlag{Name: "stuck", Value: 10 * time.Minute, Usage: e.t("a student on one step this long is shown as stuck", "한 단계에 이만큼 머문 학생을 막힌 학생으로 표시")},
			&cli.Float64Flag{Name: "rate", Value: 5, Usage: e.t("requests a second allowed to each student", "학생 한 명에게 허용하는 초당 요청 수")},
		},
		Action: e.classServe,
	}
}

func (e *env) classServe(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	if c.Float64("rate") <= 0 || c.Float64("rate") > 1000 {
		return usagef(helpHint("sysdojo class serve"), i18n.T("--rate %v: give 0.1 to 1000 requests a second", "--rate %v: 초당 0.1에서 1000 사이로 주세요"), c.Float64("rate"))
	}
	if c.Duration("stuck") <= 0 {
		return usagef(helpHint("sysdojo class serve"), i18n.T("--stuck must be positive, e.g. 10m", "--stuck은 양수여야 합니다 (예: 10m)"))
	}
	httpAddr := c.String("http")
	if httpAddr != "" {
		if _, _, err := net.SplitHostPort(httpAddr); err != nil {
			return usagef(helpHint("sysdojo class serve"), i18n.T("--http %q: give HOST:PORT, e.g. 127.0.0.1:8080", "--http %q: HOST:PORT 형식으로 주세요 (예: 127.0.0.1:8080)"), httpAddr)
		}
	}
	if !isRoot() {
		return i18n.Invalid(i18n.T("the class server runs as root: it reads each student's workspace with that student's rights",
			"수업 서버는 root로 실행해야 합니다. 학생마다 그 학생의 권한으로 작업 디렉터리를 읽기 때문입니다")).
			WithHint(i18n.T("try 'sudo sysdojo class serve'", "'sudo sysdojo class serve'로 실행하세요"))
	}
	sock := c.String("class-socket")
	if sock == "" {
		sock = e.getenv("SYSDOJO_CLASS")
	}
	if sock == "" || sock == "off" {
		sock = class.DefaultSocket
	}
	if _, err := lessons.All(); err != nil {
		return err
	}
	store, err := class.OpenStore(c.String("store"))
	if err != nil {
		return err
	}
	defer store.Close()
	srv, err := class.Listen(class.Config{Socket: sock, Store: store, Rate: rate.Limit(c.Float64("rate")), Burst: 20})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	io := e.io
	io.Printf(i18n.T("Class server on %s (record: %s).\n", "수업 서버: %s (기록: %s)\n"), sock, c.String("store"))
	io.Printf(i18n.T("Students: nothing to set up when they use %s; otherwise export SYSDOJO_CLASS=%s\n",
		"학생 쪽 설정: 기본 소켓(%s)이면 할 일이 없고, 다른 경로라면 export SYSDOJO_CLASS=%s\n"), class.DefaultSocket, sock)
	httpErr := make(chan error, 1)
	if httpAddr != "" {
		ln, err := net.Listen("tcp", httpAddr)
		if err != nil {
			return i18n.Failed(i18n.T("serving the dashboard on %s", "%s에서 현황판을 띄우는 중").F(httpAddr), err)
		}
		d := &class.Dashboard{Server: srv, Token: class.NewToken(), StuckAfter: c.Duration("stuck"), Lang: string(io.Lang)}
		hs := &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}
		go func() { httpErr <- hs.Serve(ln) }()
		defer hs.Close()
		io.Printf(i18n.T("Dashboard: http://%s/?token=%s\n", "현황판: http://%s/?token=%s\n"), ln.Addr(), d.Token)
		if !class.IsLoopback(httpAddr) {
			fmt.Fprintln(io.Err, "sysdojo: "+io.Warn(e.t("the dashboard listens beyond this machine: share its address (with the token) with nobody else",
				"현황판이 이 컴퓨터 밖에서도 보입니다. 토큰이 든 주소는 아무에게도 알려 주지 마세요")))
		}
	}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ctx) }()
	select {
	case <-ctx.Done():
	case err = <-httpErr:
	}
	stop()
	if serr := <-srvErr; err == nil {
		err = serr
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return i18n.Failed(i18n.T("class server", "수업 서버"), err)
	}
	io.Println(i18n.T("Class server stopped.", "수업 서버를 멈췄습니다."))
	return nil
}
