package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Shell completion works through urfave/cli's hidden
// --generate-bash-completion flag: the shell asks `sysdojo WORDS... CUR
// --generate-bash-completion` (CUR the word under the cursor, maybe
// empty) and gets one candidate per line from complete (complete.go).
// The scripts below are small wrappers; they need no bash-completion
// package.

const bashCompletion = `# bash completion for sysdojo
# install: sysdojo completion bash > /etc/bash_completion.d/sysdojo
#      or: echo 'source <(sysdojo completion bash)' >> ~/.bashrc
_sysdojo() {
	local cur words opts
	cur="${COMP_WORDS[COMP_CWORD]}"
	words=("${COMP_WORDS[@]:0:COMP_CWORD}")
	opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	return 0
}
complete -o bashdefault -o default -F _sysdojo sysdojo
`

const zshCompletion = `#compdef sysdojo
# zsh completion for sysdojo
# install: sysdojo completion zsh > "${fpath[1]}/_sysdojo"
#      or: echo 'source <(sysdojo completion zsh)' >> ~/.zshrc
_sysdojo() {
	local -a opts
	local cur=${words[CURRENT]}
	opts=("${(@f)$(${words[1,CURRENT-1]} "$cur" --generate-bash-completion 2>/dev/null)}")
	if [[ "${opts[1]}" != "" ]]; then
		_describe 'values' opts
	else
		_files
	fi
}
if [[ "$funcstack[1]" == "_sysdojo" ]]; then
	_sysdojo "$@"
else
	compdef _sysdojo sysdojo
fi
`

func newCompletionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     e.t("print the shell completion script for bash, zsh or fish", "bash, zsh, fish용 자동 완성 스크립트 출력"),
		ArgsUsage: "bash|zsh|fish",
		Description: e.t(
			"bash:  sysdojo completion bash > /etc/bash_completion.d/sysdojo\n"+
				"zsh:   sysdojo completion zsh > \"${fpath[1]}/_sysdojo\"\n"+
				"fish:  sysdojo completion fish > ~/.config/fish/completions/sysdojo.fish",
			"bash:  sysdojo completion bash > /etc/bash_completion.d/sysdojo\n"+
				"zsh:   sysdojo completion zsh > \"${fpath[1]}/_sysdojo\"\n"+
				"fish:  sysdojo completion fish > ~/.config/fish/completions/sysdojo.fish"),
		Action: func(c *cli.Context) error {
			a, err := args(c, 1, 1, "bash|zsh|fish")
			if err != nil {
				return err
			}
			switch a[0] {
			case "bash":
				_, err = fmt.Fprint(e.io.Out, bashCompletion)
			case "zsh":
				_, err = fmt.Fprint(e.io.Out, zshCompletion)
			case "fish":
				var s string
				if s, err = c.App.ToFishCompletion(); err == nil {
					_, err = fmt.Fprint(e.io.Out, s)
				}
			default:
				return usagef(helpHint("sysdojo completion"), i18n.T("unknown shell %q (use bash, zsh or fish)", "모르는 셸입니다: %q (bash, zsh, fish 중에서)"), a[0])
			}
			return err
		},
	}
}

// completionFlag is the hidden flag urfave/cli adds for completion.
const completionFlag = "--generate-bash-completion"

// completing reports whether the shell asks for completions: the args are
// then left as they are (not reordered), so the flag stays last.
func completing(args []string) bool {
	return len(args) > 1 && args[len(args)-1] == completionFlag
}
