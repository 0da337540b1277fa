package lessons

import (
	"path/filepath"
	"strconv"

	"github.com/sysdojo/sysdojo/perm"
)

// KindAnswerInode: the student's answer is Path's inode number (which
// depends on the machine, so it cannot be written in the lesson).
const KindAnswerInode = "answer_inode"

var answerInodeKind = kindSpec{
	Doc:      "the student's answer is path's inode number",
	File:     true,
	Validate: needs(KindAnswerInode, "path"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		n, err := inspect(filepath.Join(env.Dir, c.Path), db)
		if err != nil {
			cr := missing(c.Path, err)
			cr.Want = "?"
			return cr
		}
		return judgeAnswer(env.Answer, []string{strconv.FormatUint(n.Inode, 10)})
	},
}
