package lessons

import (
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindDiffInode: the names in Paths are all different inodes (a
// symbolic link is a file of its own, a copy is too).
const KindDiffInode = "diff_inode"

var diffInodeKind = kindSpec{
	Doc:      "all are different inodes",
	File:     true,
	Validate: needs(KindDiffInode, "paths"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		ns, saw, cr, ok := inodes(c, env, db)
		if !ok {
			return cr
		}
		names := strings.Join(c.Paths, ", ")
		type key struct{ dev, ino uint64 }
		distinct := map[key]bool{}
		for _, n := range ns {
			distinct[key{n.Dev, n.Inode}] = true
		}
		if len(distinct) == len(ns) {
			return Criterion{OK: true, Saw: saw, Want: "different inodes",
				Line: t("%s are different inodes (%s)", "%s: 서로 다른 아이노드입니다 (%s)").F(names, saw)}
		}
		return Criterion{Saw: saw, Want: "different inodes",
			Line: t("some of %s share an inode (%s); the task asks for separate inodes", "%s 가운데 아이노드를 같이 쓰는 것이 있습니다 (%s). 모두 서로 다른 아이노드여야 합니다").F(names, saw)}
	},
}
