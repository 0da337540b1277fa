package lessons

import (
	"slices"
	"strconv"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// kindSpec is one check kind as a value: what it means, how its
// arguments are validated and how it looks. Every kind lives in its own
// file (check_<kind>.go) with its doc comment and its table test;
// registry is the one place that names them all.
type kindSpec struct {
	// Doc is the kind's one-line meaning, as FORMAT.md's table gives it.
	Doc string
	// File: the kind only looks at files under the workspace, so it runs
	// with the workspace owner's rights (Env.As).
	File bool
	// Live: the kind looks at live state (containers, servers, mirrors)
	// rather than files.
	Live bool
	// Users: the kind names users or groups, so it needs the user
	// database (Env.Passwd, Env.Group).
	Users bool
	// Validate returns what is wrong with c's arguments ("" when fine).
	Validate func(c Check) string
	// Run looks and says what it saw.
	Run func(c Check, env Env, db *perm.DB) Criterion
	// Describe says in words what the check wants, for a handout (nil:
	// the kind's name and path).
	Describe func(c Check) i18n.Text
}

// registry holds every check kind. A new kind is a kindSpec value in its
// own file, named here.
var registry = map[string]kindSpec{
	KindExists:        existsKind,
	KindAbsent:        absentKind,
	KindMode:          modeKind,
	KindOwner:         ownerKind,
	KindGroup:         groupKind,
	KindSameInode:     sameInodeKind,
	KindDiffInode:     diffInodeKind,
	KindTarget:        targetKind,
	KindDangles:       danglesKind,
	KindResolves:      resolvesKind,
	KindNlink:         nlinkKind,
	KindContains:      containsKind,
	KindAnswer:        answerKind,
	KindAnswerInode:   answerInodeKind,
	KindMirror:        mirrorKind,
	KindLeadsTo:       leadsToKind,
	KindMatches:       matchesKind,
	KindScript:        scriptKind,
	KindContainer:     containerKind,
	KindHostname:      hostnameKind,
	KindInContainer:   inContainerKind,
	KindVolumeFile:    volumeFileKind,
	KindPort:          portKind,
	KindLimit:         limitKind,
	KindHTTP:          httpKind,
	KindFastestMirror: fastestMirrorKind,
	KindInside:        insideKind,
	KindContainerDiff: containerDiffKind,
}

// Kinds returns the names of every check kind, sorted.
func Kinds() []string {
	var out []string
	for k := range registry {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// isKind reports whether name is a check kind.
func isKind(name string) bool {
	_, ok := registry[name]
	return ok
}

// isFileKind reports whether kind name only looks at the workspace.
func isFileKind(name string) bool { return registry[name].File }

// needs returns a Validate that asks for the named arguments: "path",
// "paths" (two or more), "want", "container".
func needs(kind string, args ...string) func(Check) string {
	return func(c Check) string {
		for _, a := range args {
			switch {
			case a == "path" && c.Path == "":
				return kind + " needs a path"
			case a == "paths" && len(c.Paths) < 2:
				return kind + " needs two or more paths"
			case a == "want" && c.Want == "":
				return kind + " needs want"
			case a == "container" && c.Container == "":
				return kind + " needs container"
			}
		}
		return ""
	}
}

// hasPlaceholder reports whether s holds a ${name} still to be bound.
func hasPlaceholder(s string) bool { return placeholderRE().MatchString(s) }

func itoa(n int) string { return strconv.Itoa(n) }
