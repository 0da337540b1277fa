//go:build urfave_cli_no_docs

package main

import "github.com/urfave/cli/v2"

// addDocs adds nothing: the release binary (built with urfave_cli_no_docs)
// ships its man pages and completion scripts as files; gendocs.go writes
// them at build time.
func addDocs(*env, *cli.App) {}
