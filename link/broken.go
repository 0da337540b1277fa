package link

import (
	"errors"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// Broken is a symbolic link that leads nowhere.
type Broken struct {
	Path   string `json:"path"`
	Target string `json:"target"`
	// Loop is true when the link is part of a loop (ELOOP) rather than
	// pointing at something missing.
	Loop bool `json:"loop"`
	// Missing is the first path on the way that does not exist (for a
	// dangling link).
	Missing string `json:"missing,omitempty"`
	// Resolved is as far as the link could be followed.
	Resolved string `json:"resolved"`
	Steps    []Step `json:"steps"`
}

// BrokenResult is every broken symbolic link under a directory.
type BrokenResult struct {
	Links   []Broken
	Skipped []Skipped
}

// FindBroken lists every symbolic link under dir whose target does not
// exist (what find DIR -xtype l prints) and every link caught in a loop
// (which find reports as an error), sorted by path. It never follows
// links below dir and, with opts.OneFileSystem, stays on dir's
// filesystem. The error is a *fs.PathError when dir cannot be used.
func FindBroken(dir string, opts WalkOptions) (BrokenResult, error) {
	rst, err := rootDir(dir)
	if err != nil {
		return BrokenResult{}, err
	}
	var mu sync.Mutex
	var paths []string
	loops := map[string]bool{}
	skipped := walk(dir, rst.Dev, opts, func(dirfd int, d string, name []byte, _ uint64, typ uint8) {
		if typ != unix.DT_LNK {
			return
		}
		var st unix.Stat_t
		err := unix.Fstatat(dirfd, string(name), &st, 0)
		if err == nil {
			return
		}
		loop := errors.Is(err, unix.ELOOP)
		if !loop && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.ENOTDIR) {
			return
		}
		p := join(d, name)
		mu.Lock()
		paths = append(paths, p)
		if loop {
			loops[p] = true
		}
		mu.Unlock()
	})
	sort.Strings(paths)
	res := BrokenResult{Links: []Broken{}, Skipped: skipped}
	for _, p := range paths {
		sl := Resolve(p)
		b := Broken{Path: p, Target: sl.Target, Loop: loops[p], Resolved: sl.Resolved, Steps: sl.Steps}
		if !b.Loop {
			b.Missing = sl.Missing
		}
		if b.Steps == nil {
			b.Steps = []Step{}
		}
		res.Links = append(res.Links, b)
	}
	return res, nil
}
