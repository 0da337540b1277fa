package lessons

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindSameInode: every name in Paths is a name of one inode (same device
// and inode): hard links.
const KindSameInode = "same_inode"

var sameInodeKind = kindSpec{
	Doc:      "all are names of one inode (same device and inode)",
	File:     true,
	Validate: needs(KindSameInode, "paths"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		ns, saw, cr, ok := inodes(c, env, db)
		if !ok {
			return cr
		}
		for _, n := range ns[1:] {
			if n.Inode != ns[0].Inode || n.Dev != ns[0].Dev {
				return Criterion{Saw: saw, Want: "same inode",
					Line: t("inodes differ (%s); the task asks for one inode under these names (a hard link)", "아이노드가 다릅니다 (%s). 이 이름들이 모두 한 아이노드를 가리켜야 합니다(하드 링크)").F(saw)}
			}
		}
		return Criterion{OK: true, Saw: saw, Want: "same inode",
			Line: t("%s share inode %d: one file, several names", "%s: 같은 아이노드(%d번)를 가리킵니다. 파일 하나에 이름이 여럿입니다").F(strings.Join(c.Paths, ", "), ns[0].Inode)}
	},
}

// inodes inspects every name in c.Paths; ok is false (with cr saying
// why) when one is missing. saw is "name=inode ...".
func inodes(c Check, env Env, db *perm.DB) (ns []node, saw string, cr Criterion, ok bool) {
	var desc []string
	for _, q := range c.Paths {
		n, err := inspect(filepath.Join(env.Dir, q), db)
		if err != nil {
			cr := missing(q, err)
			cr.Want = c.Kind
			return nil, "", cr, false
		}
		ns = append(ns, n)
		desc = append(desc, fmt.Sprintf("%s=%d", q, n.Inode))
	}
	return ns, strings.Join(desc, " "), Criterion{}, true
}
