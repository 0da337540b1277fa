package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sysdojo/sysdojo/container"
)

// setupContainers gives container scripts what lets several test runs on
// one machine go side by side: $CT, a suffix for container names, and
// $PORT1..$PORT3, free ports on 127.0.0.1. When the script ends (passed
// or not) every container it started is removed.
func setupContainers(env *testscript.Env) {
	env.Setenv("CT", strconv.Itoa(os.Getpid()))
	for i := 1; i <= 3; i++ {
		port := 0
		if l, err := net.Listen("tcp4", "127.0.0.1:0"); err == nil {
			port = l.Addr().(*net.TCPAddr).Port
			l.Close()
		}
		env.Setenv(fmt.Sprintf("PORT%d", i), strconv.Itoa(port))
	}
	env.Defer(func() { cleanupContainers(env.WorkDir) })
}

// cleanupContainers removes every container whose rootfs lies under the
// script's work directory: the ones it started and did not remove.
func cleanupContainers(work string) {
	if os.Geteuid() != 0 {
		return
	}
	if real, err := filepath.EvalSymlinks(work); err == nil {
		work = real
	}
	all, _ := container.Containers("", true)
	for _, in := range all {
		if strings.HasPrefix(in.Rootfs, work+string(filepath.Separator)) {
			container.Remove("", in.ID, true)
		}
	}
}
