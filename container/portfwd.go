package container

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Port is one -p HOSTPORT:CTRPORT: TCP on the host's 127.0.0.1:Host
// forwarded to the container's port Container.
type Port struct {
	Host      int `json:"host"`
	Container int `json:"container"`
}

func (p Port) String() string { return fmt.Sprintf("127.0.0.1:%d->%d/tcp", p.Host, p.Container) }

// ParsePort reads HOSTPORT:CTRPORT (or one PORT for both).
func ParsePort(s string) (Port, error) {
	bad := i18n.Invalid(i18n.T("bad port %q (use HOSTPORT:CTRPORT, each 1-65535, e.g. 8080:80)",
		"잘못된 포트입니다: %q (HOSTPORT:CTRPORT 형식, 각각 1-65535, 예: 8080:80)").F(s))
	h, c, ok := strings.Cut(s, ":")
	if !ok {
		c = h
	}
	hp, err1 := strconv.Atoi(h)
	cp, err2 := strconv.Atoi(c)
	if err1 != nil || err2 != nil || hp < 1 || hp > 65535 || cp < 1 || cp > 65535 || strings.HasPrefix(h, "+") || strings.HasPrefix(c, "+") {
		return Port{}, bad
	}
	return Port{Host: hp, Container: cp}, nil
}

func listenPort(port int) (net.Listener, error) {
	l, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, i18n.Invalid(i18n.T("port %d on 127.0.0.1 is already in use", "127.0.0.1의 %d번 포트는 이미 쓰이고 있습니다").F(port))
		}
		return nil, i18n.Failed(i18n.T("cannot listen on 127.0.0.1:%d", "127.0.0.1:%d에서 기다릴 수 없습니다").F(port), err)
	}
	return l, nil
}

// forwarder accepts on the host's listeners and connects, for each
// connection, from inside the container's network namespace: one OS
// thread of this process lives in that namespace and makes the sockets.
type forwarder struct {
	dial  chan dialReq
	quit  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]bool
}

type dialReq struct {
	addr  string
	reply chan dialRes
}

type dialRes struct {
	c   net.Conn
	err error
}

func newForwarder(pid int, target string, lis []net.Listener, ports []Port) (*forwarder, error) {
	nsfd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/net", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot reach the container's network", "컨테이너 네트워크에 들어갈 수 없습니다"), err)
	}
	f := &forwarder{dial: make(chan dialReq), quit: make(chan struct{}), conns: map[net.Conn]bool{}}
	ready := make(chan error, 1)
	go onThrowawayThread(func() {
		// This thread enters the container's network and never comes
		// back: it is discarded when the work is done.
		err := unix.Setns(nsfd, unix.CLONE_NEWNET)
		unix.Close(nsfd)
		ready <- err
		if err != nil {
			return
		}
		for {
			select {
			case r := <-f.dial:
				c, err := net.DialTimeout("tcp4", r.addr, 5*time.Second)
				r.reply <- dialRes{c, err}
			case <-f.quit:
				return
			}
		}
	})
	if err := <-ready; err != nil {
		return nil, i18n.Failed(i18n.T("cannot reach the container's network", "컨테이너 네트워크에 들어갈 수 없습니다"), err)
	}
	for i, l := range lis {
		addr := net.JoinHostPort(target, strconv.Itoa(ports[i].Container))
		f.wg.Add(1)
		go f.accept(l, addr)
	}
	return f, nil
}

func (f *forwarder) accept(l net.Listener, addr string) {
	defer f.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go f.serve(c, addr)
	}
}

func (f *forwarder) serve(c net.Conn, addr string) {
	reply := make(chan dialRes, 1)
	select {
	case f.dial <- dialReq{addr, reply}:
	case <-f.quit:
		c.Close()
		return
	}
	r := <-reply
	if r.err != nil {
		c.Close()
		return
	}
	if !f.track(c, r.c) {
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(r.c, c)
	go pipe(c, r.c)
	<-done
	<-done
	f.untrack(c, r.c)
}

func (f *forwarder) track(cs ...net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conns == nil {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		f.conns[c] = true
	}
	return true
}

func (f *forwarder) untrack(cs ...net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range cs {
		c.Close()
		delete(f.conns, c)
	}
}

// close stops accepting and drops every forwarded connection. The
// listeners are closed by their owner.
func (f *forwarder) close() {
	f.once.Do(func() {
		close(f.quit)
		f.mu.Lock()
		for c := range f.conns {
			c.Close()
		}
		f.conns = nil
		f.mu.Unlock()
	})
}
