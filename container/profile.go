package container

// The default profile's pieces as the runtime uses them: the device
// rules on a container's cgroup and the system call filter.

import "golang.org/x/sys/unix"

// deviceRulesV2 attaches the device filter to the cgroup v2 directory
// dir, before anything runs in it. A directory that is not on cgroup2 (a
// test's stand-in tree) has nothing to attach to.
func deviceRulesV2(dir string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
		return nil
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return attachDeviceFilterV2(fd)
}

// seccompFilter is the default system call filter for a command that
// keeps caps, compiled in the parent.
func seccompFilter(caps []int) ([]unix.SockFilter, error) {
	p, err := NewSeccomp(caps)
	if err != nil {
		return nil, err
	}
	return p.Filter(), nil
}
