package lessons

import "testing"

func TestKindLeadsTo(t *testing.T) {
	const setup = "mkdir -p trial/other; echo x > trial/other/basefile; "
	c := Check{Path: "trial/softlink", Want: "trial/other/basefile"}
	testKind(t, KindLeadsTo, []Check{{Path: "l"}, {Want: "f"}, {Path: "l", Want: "/abs"}}, []kindCase{
		{name: "relative", setup: setup + "ln -s other/basefile trial/softlink", check: c, ok: true, line: "reaches trial/other/basefile"},
		{name: "dot relative", setup: setup + "ln -s ./other/basefile trial/softlink", check: c, ok: true},
		{name: "absolute", setup: setup + `ln -s "$PWD/trial/other/basefile" trial/softlink`, check: c, ok: true},
		{name: "dangling", setup: setup + "ln -s basefile trial/softlink", check: c, line: "leads nowhere"},
		{name: "another file", setup: setup + "echo y > trial/x; ln -s x trial/softlink", check: c, line: "leads to another file"},
		{name: "not a link", setup: setup + "cp trial/other/basefile trial/softlink", check: c, line: "not a symbolic link"},
	})
}
