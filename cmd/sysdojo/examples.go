package main

import "github.com/sysdojo/sysdojo/internal/i18n"

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

// examplesFor returns the examples of the command at path ("sysdojo perm
// calc").
func examplesFor(path string) []example { return examples[path] }

// examples are every command's EXAMPLES, keyed by the command's path, in
// one table so that the files defining the commands stay as they are.
var examples = map[string][]example{}
