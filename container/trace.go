package container

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// traceEnv, when set in the runtime's environment, makes Run and the
// container's init write a timestamped line (CLOCK_MONOTONIC, in
// microseconds) to stderr at each step of a container's start and end.
// It is for measuring start-up (see bench/container.sh), not for users.
const traceEnv = "SYSDOJO_TRACE"

var tracing = os.Getenv(traceEnv) != ""

// trace notes that step what was reached, when tracing.
func trace(who, what string) {
	if !tracing {
		return
	}
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	traceAt(&ts, who, what)
}

// traceAt writes the trace line of a step reached at ts.
func traceAt(ts *unix.Timespec, who, what string) {
	us := ts.Sec*1e6 + ts.Nsec/1e3
	os.Stderr.WriteString("trace " + strconv.FormatInt(us, 10) + " " + who + " " + what + "\n")
}
