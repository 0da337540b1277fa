package link_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sysdojo/sysdojo/link"
)

func ExampleInspect() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "basefile"), []byte("hello\n"), 0o644)
	os.Link(filepath.Join(dir, "basefile"), filepath.Join(dir, "hardlink"))
	os.Symlink("basefile", filepath.Join(dir, "softlink"))

	base, _ := link.Inspect(filepath.Join(dir, "basefile"))
	hard, _ := link.Inspect(filepath.Join(dir, "hardlink"))
	soft, _ := link.Inspect(filepath.Join(dir, "softlink"))
	fmt.Println(base.Type, base.Nlink, base.Mode, base.Inode == hard.Inode)
	fmt.Println(soft.Type, soft.Nlink, soft.Size, soft.Target, soft.Dangling, soft.Inode == base.Inode)

	os.Remove(filepath.Join(dir, "basefile"))
	soft, _ = link.Inspect(filepath.Join(dir, "softlink"))
	fmt.Println("after rm basefile: dangling", soft.Dangling, "missing", filepath.Base(soft.Missing))
	// Output:
	// regular file 2 0644 true
	// symbolic link 1 8 basefile false false
	// after rm basefile: dangling true missing basefile
}

func ExampleSame() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	os.Link(filepath.Join(dir, "f"), filepath.Join(dir, "a/b/g"))
	os.Symlink("f", filepath.Join(dir, "s")) // a symbolic link is another inode

	r, _ := link.Same(filepath.Join(dir, "f"), dir, link.SameOptions{})
	for _, p := range r.Paths {
		rel, _ := filepath.Rel(dir, p)
		fmt.Println(rel)
	}
	// Output:
	// a/b/g
	// f
}

func ExampleFindBroken() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.Symlink("nowhere", filepath.Join(dir, "dangling"))
	os.Symlink("loop", filepath.Join(dir, "loop"))
	os.Symlink(dir, filepath.Join(dir, "fine"))

	r, _ := link.FindBroken(dir, link.WalkOptions{})
	for _, b := range r.Links {
		fmt.Println(filepath.Base(b.Path), "->", b.Target, "loop:", b.Loop)
	}
	// Output:
	// dangling -> nowhere loop: false
	// loop -> loop loop: true
}
