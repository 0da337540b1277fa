package lessons

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindContains: Path's content (a regular file, symlinks followed, at
// most MaxCheckedFileSize) contains the text Want. What the file holds
// is never shown, only whether the text is there.
const KindContains = "contains"

var containsKind = kindSpec{
	Doc:      "path's content (symlinks followed) contains want",
	File:     true,
	Validate: needs(KindContains, "path", "want"),
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		p := c.Path
		data, err := ReadUserFile(filepath.Join(env.Dir, p), MaxCheckedFileSize, false)
		if err != nil {
			cr := missing(p, err)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				cr.Line = t("%s cannot be read: it (or what it points to) does not exist", "%s: 읽을 수 없습니다. 파일(또는 링크가 가리키는 곳)이 없습니다").F(p)
			case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooBig):
				cr.Line = t("%s: %s; the task asks for a regular file", "%s: %s. 일반 파일이어야 합니다").F(p, readWhy(err))
			case errors.Is(err, fs.ErrPermission):
				cr.Line = t("%s cannot be read (permission denied)", "%s: 읽을 수 없습니다 (권한 없음)").F(p)
			}
			cr.Want = c.Want
			return cr
		}
		if strings.Contains(string(data), c.Want) {
			return Criterion{OK: true, Saw: "contains", Want: c.Want, Line: t("%s reads %q", "%s: %q 내용이 보입니다").F(p, c.Want)}
		}
		// What the file holds is not shown: only the checked property.
		return Criterion{Saw: "does not contain", Want: c.Want,
			Line: t("%s does not contain %q yet", "%s: 아직 %q 내용이 없습니다").F(p, c.Want)}
	},
}
