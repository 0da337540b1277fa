package lessons

import (
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// kindSpec is one check kind as a value: what it means, how its
// arguments are validated and how it looks. Kinds written this way live
// in their own file (check_<kind>.go) with their tests; registry is the
// one place that names them all.
type kindSpec struct {
	// Doc is the kind's one-line meaning, as FORMAT.md's table gives it.
	Doc string
	// File: the kind only looks at files under the workspace, so it runs
	// with the workspace owner's rights (Env.As).
	File bool
	// Validate returns what is wrong with c's arguments ("" when fine).
	Validate func(c Check) string
	// Run looks and says what it saw.
	Run func(c Check, env Env, db *perm.DB) Criterion
	// Describe says in words what the check wants, for a handout (nil:
	// the kind's name and path).
	Describe func(c Check) i18n.Text
}

// registry holds the kinds written as kindSpec values.
var registry = map[string]kindSpec{
	KindLeadsTo: leadsToKind,
	KindMatches: matchesKind,
	KindScript:  scriptKind,
	// check_inside.go
	KindInside:        insideKind,
	KindContainerDiff: containerDiffKind,
}

// isKind reports whether name is a check kind of either form.
func isKind(name string) bool {
	_, ok := registry[name]
	return ok || kinds[name]
}

// isFileKind reports whether kind name only looks at the workspace.
func isFileKind(name string) bool {
	if k, ok := registry[name]; ok {
		return k.File
	}
	return fileKinds[name]
}
