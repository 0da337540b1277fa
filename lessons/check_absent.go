package lessons

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sysdojo/sysdojo/perm"
)

// KindAbsent: nothing has the name Path (not even a dangling link).
const KindAbsent = "absent"

var absentKind = kindSpec{
	Doc:      "nothing has that name (not even a dangling link)",
	File:     true,
	Validate: needs(KindAbsent, "path"),
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		p := c.Path
		if _, err := os.Lstat(filepath.Join(env.Dir, p)); errors.Is(err, fs.ErrNotExist) {
			return Criterion{OK: true, Saw: "missing", Want: "missing",
				Line: t("%s is no longer there", "%s: 이제 없습니다").F(p)}
		}
		return Criterion{Saw: "exists", Want: "missing",
			Line: t("%s is still there; the task asks for it to be gone from here", "%s: 아직 그 자리에 있습니다. 과제대로라면 이 자리에서 없어져야 합니다").F(p)}
	},
}
