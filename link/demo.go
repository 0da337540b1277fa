package link

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Demo is the classic hard-versus-symbolic link experiment, run for real
// in Dir: create basefile, give it a second name with ln (hardlink) and a
// symbolic link with ln -s (softlink), compare inode numbers, read through
// both, move the original to another directory, and see that the hard
// link still reads while the symbolic link dangles. Then the two failures
// students ask about: a hard link to a directory (EPERM) and a hard link
// to another filesystem (EXDEV).
//
// Steps returns the experiment as data; the caller shows each Action's
// Line, runs it, and shows its Output, then the step's Explain text.
type Demo struct {
	Dir string
	// OtherFS is a writable directory on another mount, for the EXDEV
	// step; when empty, Steps looks for one (/dev/shm, /run, /tmp, ...).
	OtherFS string

	baseIno, softIno uint64
	names            []Info
}

// DemoStep is one step of the experiment.
type DemoStep struct {
	Title   i18n.Text
	Say     i18n.Text // before the commands run
	Actions []Action
	// Diagram says the caller should draw Names() (names -> inodes)
	// after the actions.
	Diagram bool
	// Explain is the lesson of the step, with the real numbers; call it
	// after the actions ran.
	Explain func() i18n.Text
}

// Action is one shell-equivalent command of a step.
type Action struct {
	Line string // what a person would type, e.g. "ln basefile hardlink"
	Run  func() Output
	// Fails is true when the action is meant to fail (that failure is
	// the lesson); any other error means the experiment went wrong.
	Fails bool
}

// Output is what an action did: the lines the shell command would print
// (ls -li lines, file contents) and the real error of a failing system
// call (an *fs.PathError or *os.LinkError wrapping the errno).
type Output struct {
	Lines []string
	Err   error
}

// Names is the latest snapshot of the experiment's names (paths relative
// to Dir), as taken by the last ls -li action.
func (d *Demo) Names() []Info { return d.names }

// Prepare checks that Dir can hold the experiment: it is created when
// missing and must not already have any of the experiment's names.
func (d *Demo) Prepare() error {
	if err := os.MkdirAll(d.Dir, 0o755); err != nil {
		return fmt.Errorf("making the demo directory: %w", err)
	}
	for _, n := range []string{"basefile", "hardlink", "softlink", "elsewhere"} {
		if _, err := os.Lstat(filepath.Join(d.Dir, n)); err == nil {
			return &fs.PathError{Op: "prepare", Path: filepath.Join(d.Dir, n), Err: fs.ErrExist}
		}
	}
	return nil
}

// content is what basefile holds.
const content = "Hello from basefile!"

func (d *Demo) p(name string) string { return filepath.Join(d.Dir, name) }

// ls is ls -li on names (relative to Dir); it also takes the snapshot
// the diagram is drawn from.
func (d *Demo) ls(names ...string) Output {
	var out Output
	d.names = nil
	for _, n := range names {
		in, err := Inspect(d.p(n))
		if err != nil {
			out.Err = err
			return out
		}
		in.Path = n
		d.names = append(d.names, in)
		out.Lines = append(out.Lines, LsLine(in))
	}
	return out
}

func (d *Demo) cat(name string) Output {
	if !filepath.IsAbs(name) {
		name = d.p(name)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return Output{Err: err}
	}
	return Output{Lines: []string{strings.TrimRight(string(b), "\n")}}
}

func done(err error) Output { return Output{Err: err} }

// Steps returns the experiment. Run the actions in order; each depends on
// the ones before.
func (d *Demo) Steps() []DemoStep {
	return []DemoStep{
		{
			Title: i18n.T("An original file", "원본 파일 만들기"),
			Say: i18n.T("We work in "+d.Dir+". First, an ordinary file with some text in it.",
				d.Dir+"에서 실험합니다. 먼저 글자가 들어 있는 평범한 파일을 하나 만듭니다."),
			Actions: []Action{
				{Line: "cd " + shellQuote(d.Dir), Run: func() Output { return Output{} }},
				{Line: "echo '" + content + "' > basefile", Run: func() Output {
					return done(os.WriteFile(d.p("basefile"), []byte(content+"\n"), 0o644))
				}},
				{Line: "ls -li basefile", Run: func() Output { return d.ls("basefile") }},
			},
			Explain: func() i18n.Text {
				in := d.names[0]
				d.baseIno = in.Inode
				return i18n.T("The first number is the inode number, %d: the file itself (its data, size, owner, mode). "+
					"'basefile' is only a name in the directory that points at that inode. The 1 after the mode is "+
					"the link count: how many names point at inode %d.",
					"맨 앞의 숫자(%d)가 inode 번호입니다. inode가 파일 그 자체(데이터, 크기, 소유자, 권한)이고, "+
						"'basefile'은 디렉터리 안에서 그 inode를 가리키는 이름일 뿐입니다. 권한 뒤의 1은 링크 수, "+
						"즉 이 inode를 가리키는 이름이 몇 개인지입니다.").F(in.Inode, in.Inode)
			},
		},
		{
			Title: i18n.T("A hard link and a symbolic link", "하드 링크와 심볼릭 링크 만들기"),
			Say: i18n.T("ln adds a second name for the same inode. ln -s makes a new, small file that holds a path.",
				"ln은 같은 inode에 이름을 하나 더 붙입니다. ln -s는 경로 문자열을 담은 작은 파일을 새로 만듭니다."),
			Actions: []Action{
				{Line: "ln basefile hardlink", Run: func() Output { return done(os.Link(d.p("basefile"), d.p("hardlink"))) }},
				{Line: "ln -s basefile softlink", Run: func() Output { return done(os.Symlink("basefile", d.p("softlink"))) }},
				{Line: "ls -li", Run: func() Output { return d.ls("basefile", "hardlink", "softlink") }},
			},
			Diagram: true,
			Explain: func() i18n.Text {
				b, h, s := d.names[0], d.names[1], d.names[2]
				d.softIno = s.Inode
				return i18n.T("basefile and hardlink show the same inode, %d, and both say link count %d: they are two "+
					"equal names for one file; neither is \"the original\" any more. softlink has its own inode, %d, "+
					"link count %d, and size %d: the %d letters of the text \"basefile\" it stores.",
					"basefile과 hardlink는 inode 번호가 같고(%d) 링크 수도 둘 다 %d입니다. 한 파일에 붙은 대등한 "+
						"이름 두 개라서, 이제 어느 쪽도 \"원본\"이 아닙니다. softlink는 자기만의 inode(%d)를 갖고 링크 수는 "+
						"%d, 크기는 %d입니다. 안에 담긴 문자열 \"basefile\"의 글자 수(%d글자)와 같습니다.").F(
					b.Inode, h.Nlink, s.Inode, s.Nlink, s.Size, len("basefile"))
			},
		},
		{
			Title: i18n.T("The same content through both", "두 링크로 같은 내용 읽기"),
			Say:   i18n.T("Read the file through each link.", "각 링크를 통해 파일을 읽어 봅니다."),
			Actions: []Action{
				{Line: "cat hardlink", Run: func() Output { return d.cat("hardlink") }},
				{Line: "cat softlink", Run: func() Output { return d.cat("softlink") }},
			},
			Explain: func() i18n.Text {
				return i18n.T("Both show the same text. hardlink leads straight to inode %d. softlink is read, its text "+
					"\"basefile\" is looked up again in this directory, and that name leads to inode %d.",
					"둘 다 같은 내용이 나옵니다. hardlink는 곧바로 inode(%d)로 갑니다. softlink는 먼저 그 안의 문자열 "+
						"\"basefile\"을 읽고, 이 디렉터리에서 그 이름을 다시 찾아 inode %d에 도착합니다.").F(d.baseIno, d.baseIno)
			},
		},
		{
			Title: i18n.T("Move the original to another directory", "원본을 다른 디렉터리로 옮기기"),
			Say: i18n.T("Now the part that shows the difference: move basefile away.",
				"이제 차이가 드러나는 부분입니다. basefile을 다른 곳으로 옮깁니다."),
			Actions: []Action{
				{Line: "mkdir elsewhere", Run: func() Output { return done(os.Mkdir(d.p("elsewhere"), 0o755)) }},
				{Line: "mv basefile elsewhere/", Run: func() Output {
					return done(os.Rename(d.p("basefile"), d.p("elsewhere/basefile")))
				}},
				{Line: "ls -li hardlink softlink elsewhere/basefile", Run: func() Output {
					return d.ls("hardlink", "softlink", "elsewhere/basefile")
				}},
			},
			Diagram: true,
			Explain: func() i18n.Text {
				h := d.names[0]
				return i18n.T("mv on one filesystem only renames: the inode stays %d and still has %d names (hardlink and "+
					"elsewhere/basefile). softlink still holds the text \"basefile\", but nothing here has that name now.",
					"같은 파일시스템 안에서 mv는 이름만 바꿉니다. inode는 그대로 %d이고 이름도 여전히 %d개 "+
						"(hardlink와 elsewhere/basefile)입니다. softlink에는 아직 \"basefile\"이라는 문자열이 들어 있지만, "+
						"이제 이 디렉터리에는 그런 이름이 없습니다.").F(h.Inode, h.Nlink)
			},
		},
		{
			Title: i18n.T("Read through both again", "다시 두 링크로 읽기"),
			Say:   i18n.T("The hard link still reads. The symbolic link cannot.", "하드 링크는 여전히 읽히고, 심볼릭 링크는 읽히지 않습니다."),
			Actions: []Action{
				{Line: "cat hardlink", Run: func() Output { return d.cat("hardlink") }},
				{Line: "cat softlink", Run: func() Output { return d.cat("softlink") }, Fails: true},
			},
			Explain: func() i18n.Text {
				return i18n.T("A hard link is a name for the inode itself, so it does not care where other names go. "+
					"A symbolic link is a path, looked up every time it is used: when the path leads nowhere the "+
					"link dangles (test -L is true, test -e is false, reading gives ENOENT). Put basefile back "+
					"(mv elsewhere/basefile .) and softlink works again.",
					"하드 링크는 inode 자체에 붙은 이름이라서 다른 이름이 어디로 가든 상관없습니다. 심볼릭 링크는 "+
						"쓸 때마다 다시 찾아가는 경로이므로, 그 경로에 아무것도 없으면 끊어진 링크가 됩니다 "+
						"(test -L은 참, test -e는 거짓, 읽으면 ENOENT). basefile을 다시 가져오면 "+
						"(mv elsewhere/basefile .) softlink도 다시 동작합니다.")
			},
		},
		{
			Title: i18n.T("A hard link to a directory", "디렉터리에 하드 링크 걸기"),
			Say:   i18n.T("Can a directory have a second name?", "디렉터리에도 이름을 하나 더 붙일 수 있을까요?"),
			Actions: []Action{
				{Line: "ln elsewhere elsewhere2", Run: func() Output {
					return done(linkErr(d.p("elsewhere"), d.p("elsewhere2")))
				}, Fails: true},
			},
			Explain: func() i18n.Text {
				return i18n.T("link(2) refuses directories with EPERM, even for root (GNU ln says \"hard link not allowed for "+
					"directory\" before even asking). A second name could put a directory inside itself: find, du "+
					"and rm -r would loop, and '..' would no longer have one answer. Only the kernel makes a "+
					"directory's extra names: its '.' and each child's '..' (that is why its link count is 2 + subdirectories). "+
					"A symbolic link to a directory is fine: ln -s elsewhere elsewhere2.",
					"link(2)는 root라도 디렉터리에는 EPERM으로 거절합니다 (GNU ln은 호출하기도 전에 \"hard link not "+
						"allowed for directory\"라고 합니다). 디렉터리에 이름이 둘이면 디렉터리가 자기 안에 들어갈 수 있어서 "+
						"find, du, rm -r 같은 명령이 끝없이 돌고 '..'가 어디인지도 하나로 정해지지 않습니다. 디렉터리의 추가 이름은 "+
						"커널만 만듭니다. 자신의 '.'과 각 하위 디렉터리의 '..'입니다 (그래서 링크 수가 2 + 하위 디렉터리 수). "+
						"디렉터리를 가리키는 심볼릭 링크는 괜찮습니다: ln -s elsewhere elsewhere2")
			},
		},
		d.crossStep(),
		{
			Title: i18n.T("What to remember", "정리"),
			Explain: func() i18n.Text {
				return i18n.T("- A hard link is another name (directory entry) for the same inode: same inode number, "+
					"the link count goes up, it survives moving or deleting the other names; same filesystem only, never a directory.\n"+
					"- A symbolic link is its own inode holding a path string, looked up on every use from the link's "+
					"directory; it breaks when the path breaks, and may cross filesystems and point at directories.\n"+
					"- The data is freed only when the link count reaches 0 and no process has the file open.\n"+
					"- Every name of an inode: sysdojo link same FILE DIR (like find DIR -samefile FILE).",
					"- 하드 링크는 같은 inode에 붙은 또 하나의 이름(디렉터리 항목)입니다. inode 번호가 같고 링크 수가 늘어나며, "+
						"다른 이름을 옮기거나 지워도 살아 있습니다. 같은 파일시스템 안에서만 되고, 디렉터리에는 쓸 수 없습니다.\n"+
						"- 심볼릭 링크는 경로 문자열을 담은 별도의 inode입니다. 쓸 때마다 링크가 있는 디렉터리를 기준으로 다시 찾아가므로 "+
						"경로가 끊기면 링크도 끊깁니다. 다른 파일시스템이나 디렉터리도 가리킬 수 있습니다.\n"+
						"- 데이터는 링크 수가 0이 되고 그 파일을 연 프로세스가 하나도 없을 때에야 지워집니다.\n"+
						"- inode의 모든 이름 찾기: sysdojo link same 파일 디렉터리 (find 디렉터리 -samefile 파일과 같음)")
			},
		},
	}
}

// linkErr calls link(2) directly (GNU ln checks for directories itself
// before the call; the point here is the kernel's own answer).
func linkErr(from, to string) error {
	if err := unix.Link(from, to); err != nil {
		return &os.LinkError{Op: "link", Old: from, New: to, Err: err}
	}
	return nil
}

// otherFS finds a writable directory on another mount than dir.
func otherFS(dir string) string {
	mnt := func(p string) (uint64, bool) {
		var sx unix.Statx_t
		if unix.Statx(unix.AT_FDCWD, p, 0, unix.STATX_MNT_ID, &sx) != nil || sx.Mask&unix.STATX_MNT_ID == 0 {
			return 0, false
		}
		return sx.Mnt_id, true
	}
	own, ok := mnt(dir)
	if !ok {
		return ""
	}
	for _, c := range []string{"/dev/shm", "/run/shm", "/run/user/" + fmt.Sprint(os.Getuid()), "/tmp", "/var/tmp", os.TempDir(), os.Getenv("HOME")} {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err != nil || !fi.IsDir() || unix.Access(c, unix.W_OK) != nil {
			continue
		}
		if m, ok := mnt(c); ok && m != own {
			return c
		}
	}
	return ""
}

func (d *Demo) crossStep() DemoStep {
	other := d.OtherFS
	if other == "" {
		other = otherFS(d.Dir)
	}
	st := DemoStep{Title: i18n.T("A hard link to another filesystem", "다른 파일시스템으로 하드 링크 걸기")}
	if other == "" {
		st.Say = i18n.T("This needs a writable directory on another mount (like /dev/shm, a tmpfs); none was found here, so this step is only told.",
			"다른 마운트에 있는 쓰기 가능한 디렉터리(/dev/shm 같은 tmpfs)가 필요한데 찾지 못해서, 이 단계는 설명만 합니다.")
		st.Explain = func() i18n.Text { return crossExplain }
		return st
	}
	target := filepath.Join(other, fmt.Sprintf("sysdojo-hardlink-%d", os.Getpid()))
	symTarget := target + "-sym"
	st.Say = i18n.T("%s is another mount. Try to give hardlink a name there, then a symbolic link instead.",
		"%s 디렉터리는 다른 마운트에 있습니다. 그곳에 hardlink의 이름을 하나 더 만들어 보고, 다음에는 심볼릭 링크를 만들어 봅니다.").F(other)
	st.Actions = []Action{
		{Line: "ln hardlink " + shellQuote(target), Run: func() Output {
			err := linkErr(d.p("hardlink"), target)
			if err == nil {
				os.Remove(target)
			}
			return done(err)
		}, Fails: true},
		{Line: "ln -s " + shellQuote(d.p("hardlink")) + " " + shellQuote(symTarget), Run: func() Output {
			return done(os.Symlink(d.p("hardlink"), symTarget))
		}},
		{Line: "cat " + shellQuote(symTarget), Run: func() Output { return d.cat(symTarget) }},
		{Line: "rm " + shellQuote(symTarget), Run: func() Output { return done(os.Remove(symTarget)) }},
	}
	st.Explain = func() i18n.Text { return crossExplain }
	return st
}

var crossExplain = i18n.T("A directory entry can only name an inode of its own filesystem: an inode number means "+
	"nothing on another one (it is unique only together with the device, st_dev). So link(2) fails with "+
	"EXDEV (\"Invalid cross-device link\"). The kernel checks the mount, not the disk: even two bind "+
	"mounts of one filesystem give EXDEV. A symbolic link only stores a path, so it can point anywhere.",
	"디렉터리 항목은 자기 파일시스템의 inode만 가리킬 수 있습니다. inode 번호는 다른 파일시스템에서는 "+
		"아무 의미가 없습니다 (장치 번호 st_dev와 함께여야 유일합니다). 그래서 link(2)는 EXDEV "+
		"(\"Invalid cross-device link\")로 실패합니다. 커널은 디스크가 아니라 마운트를 봅니다. 같은 파일시스템을 "+
		"두 번 bind 마운트한 사이에서도 EXDEV가 납니다. 심볼릭 링크는 경로만 담으니 어디든 가리킬 수 있습니다.")

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"$\\`*?[]{}()<>|&;#~!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
