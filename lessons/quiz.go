package lessons

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/link"
	"github.com/sysdojo/sysdojo/perm"
)

// Quiz topics.
var QuizTopics = []string{"perm", "links", "apt", "containers"}

// Question is one generated quiz question with its answer.
type Question struct {
	Topic string `json:"topic"`
	// Kind is how the answer is compared: octal, symbolic, yesno, names,
	// number or choice.
	Kind    string      `json:"kind"`
	Text    i18n.Text   `json:"text"`
	Choices []i18n.Text `json:"choices,omitempty"`
	// Answer is the right answer as the student would type it (a choice
	// letter for a choice question).
	Answer string `json:"answer"`
	// Explain says why, shown after the student answered.
	Explain i18n.Text `json:"explain"`
	// Template names the kind of question ("perm/ls", "apt/2"): one
	// quiz asks each template at most once while there are others left.
	Template string `json:"template"`
}

// Feedback explains a wrong answer with the engine's own reading of what
// was typed ("you typed 644: rw-r--r--"), when there is one to give.
func (q *Question) Feedback(given string) i18n.Text {
	g := strings.TrimSpace(given)
	switch q.Kind {
	case AnsOctal, AnsSymbolic:
		p, err := perm.ParseAny(g)
		if err != nil || (p.Form != "octal" && p.Form != "ls") {
			return i18n.Text{}
		}
		return t("you typed %s: that is %s (%s)", "입력한 %s: %s (%s)에 해당합니다").F(g, p.Mode.String(), perm.LsString(p.Mode, perm.TypeRegular)[1:])
	}
	return i18n.Text{}
}

// Answer kinds.
const (
	AnsOctal    = "octal"    // 754 = 0754
	AnsSymbolic = "symbolic" // rwxr-xr-- = -rwxr-xr--
	AnsYesNo    = "yesno"
	AnsNames    = "names" // a set of names, in any order
	AnsNumber   = "number"
	AnsChoice   = "choice" // a, b, c... (or 1, 2, 3..., or the choice's text)
)

// Grade reports whether given is a right answer to q. Case, spaces and
// the usual alternative spellings are forgiven; the substance is not.
func (q *Question) Grade(given string) bool {
	g := strings.ToLower(strings.TrimSpace(given))
	if g == "" || q.Answer == "" {
		return false
	}
	want := strings.ToLower(q.Answer)
	switch q.Kind {
	case AnsOctal:
		a, err1 := strconv.ParseUint(g, 8, 32)
		b, err2 := strconv.ParseUint(want, 8, 32)
		return err1 == nil && err2 == nil && a == b && len(g) <= 5
	case AnsSymbolic:
		if len(g) == 10 && g[0] == '-' {
			g = g[1:]
		}
		if len(want) == 10 {
			want = want[1:]
		}
		return g == want
	case AnsYesNo:
		return yesNo(g) != "" && yesNo(g) == yesNo(want)
	case AnsNames:
		return sameSet(g, want)
	case AnsNumber:
		a, err := strconv.Atoi(g)
		b, _ := strconv.Atoi(want)
		return err == nil && a == b
	case AnsChoice:
		if len(g) == 1 && g[0] >= '1' && g[0] <= '9' {
			g = string(rune('a' + g[0] - '1'))
		}
		g = strings.TrimSuffix(strings.TrimSuffix(g, ")"), ".")
		if g == want {
			return true
		}
		if i := int(want[0] - 'a'); i >= 0 && i < len(q.Choices) {
			c := q.Choices[i]
			return g == strings.ToLower(c.En) || g == strings.ToLower(c.Ko)
		}
	}
	return false
}

func yesNo(s string) string {
	switch s {
	case "y", "yes", "예", "네", "응", "ㅇ", "true", "o":
		return "yes"
	case "n", "no", "아니오", "아니요", "아니", "ㄴ", "false", "x":
		return "no"
	}
	return ""
}

func sameSet(a, b string) bool {
	split := func(s string) []string {
		f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
		sort.Strings(f)
		return f
	}
	return strings.Join(split(a), " ") == strings.Join(split(b), " ")
}

// NewQuiz generates count questions on topic ("" or "all": every topic,
// in turn) from seed: the same seed gives the same questions. Link
// questions are worked out on a real tree built under dir (which must
// exist and be empty; the caller removes it).
func NewQuiz(topic string, count int, seed uint64, dir string) ([]Question, error) {
	topics := QuizTopics
	if topic != "" && topic != "all" {
		ok := false
		for _, t := range QuizTopics {
			ok = ok || t == topic
		}
		if !ok {
			return nil, i18n.Invalid(i18n.T("unknown quiz topic %q (use perm, links, apt, containers or all)",
				"모르는 퀴즈 주제입니다: %q (perm, links, apt, containers, all 중에서)").F(topic))
		}
		topics = []string{topic}
	}
	if count < 1 || count > 100 {
		return nil, i18n.Invalid(i18n.T("--count %d: ask for 1 to 100 questions", "--count %d: 문제 수는 1에서 100 사이로 주세요").F(count))
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	g := &quizGen{r: r, dir: dir, used: map[string]bool{}, templates: map[string]bool{}}
	var out []Question
	for i := 0; len(out) < count; i++ {
		t := topics[i%len(topics)]
		var q Question
		var err error
		for try := 0; try < 40; try++ {
			switch t {
			case "perm":
				q = g.perm()
			case "links":
				q, err = g.links()
			case "apt":
				q = g.choice("apt", aptBank)
			case "containers":
				q = g.choice("containers", containerBank)
			}
			if err != nil {
				return nil, err
			}
			// No question twice, and no template twice while the topic
			// has templates not asked yet.
			fresh := !g.used[q.Text.En] && (!g.templates[q.Template] || g.allUsed(t))
			if fresh || try == 39 {
				break
			}
		}
		g.used[q.Text.En] = true
		g.templates[q.Template] = true
		out = append(out, q)
	}
	return out, nil
}

type quizGen struct {
	r         *rand.Rand
	dir       string
	used      map[string]bool
	templates map[string]bool
	trees     int
}

// quizTemplates are the templates of each topic.
var quizTemplates = map[string][]string{
	"perm":  {"perm/ls", "perm/octal", "perm/chmod", "perm/umask"},
	"links": {"links/nlink", "links/same", "links/cat"},
}

// allUsed reports whether every template of topic has been asked.
func (g *quizGen) allUsed(topic string) bool {
	names := quizTemplates[topic]
	switch topic {
	case "apt":
		names = bankTemplates("apt", aptBank)
	case "containers":
		names = bankTemplates("containers", containerBank)
	}
	for _, n := range names {
		if !g.templates[n] {
			return false
		}
	}
	return true
}

func bankTemplates(topic string, bank []bankQ) []string {
	var out []string
	for i := range bank {
		out = append(out, fmt.Sprintf("%s/%d", topic, i))
	}
	return out
}

// triplets explains a mode digit by digit, as perm explain does:
// "rwx = 4+2+1 = 7, r-x = 4+1 = 5, r-- = 4".
func triplets(m perm.Mode) i18n.Text {
	ls := perm.LsString(m, perm.TypeRegular)[1:]
	var en, ko []string
	for i, who := range []i18n.Text{t("owner", "소유자"), t("group", "그룹"), t("others", "그 외 사용자")} {
		tr := ls[3*i : 3*i+3]
		var parts []string
		sum := 0
		for j, v := range []int{4, 2, 1} {
			if tr[j] != '-' && tr[j] != 'S' && tr[j] != 'T' {
				parts = append(parts, strconv.Itoa(v))
				sum += v
			}
		}
		sumText := strconv.Itoa(sum)
		if len(parts) > 1 {
			sumText = strings.Join(parts, "+") + " = " + sumText
		}
		en = append(en, fmt.Sprintf("%s %s = %s", who.En, tr, sumText))
		ko = append(ko, fmt.Sprintf("%s %s = %s", who.Ko, tr, sumText))
	}
	return i18n.Text{En: strings.Join(en, ", "), Ko: strings.Join(ko, ", ")}
}

// Modes people meet, and a few with special bits.
var quizModes = []perm.Mode{0o644, 0o755, 0o600, 0o640, 0o750, 0o700, 0o664, 0o775, 0o444, 0o711, 0o754, 0o660, 0o604, 0o751, 0o4755, 0o2755, 0o1777, 0o2770}

// chmod changes worth asking about; the last ones depend on the umask.
var quizChanges = []string{"u+x", "g+w", "o-r", "go-w", "a+r", "g=u", "o=", "u=rwx,g=rx,o=", "ug+x,o-rwx", "a-x", "g-w,o-w", "u-w", "o+t", "g+s", "+x", "-w", "=r", "a=r,u+w"}

func (g *quizGen) pick(n int) int { return g.r.IntN(n) }

func (g *quizGen) perm() Question {
	m := quizModes[g.pick(len(quizModes))]
	ls := perm.LsString(m, perm.TypeRegular)[1:]
	oct := strings.TrimPrefix(m.String(), "0")
	if m&07000 != 0 {
		oct = m.String()
	}
	switch g.pick(4) {
	case 0:
		return Question{Topic: "perm", Kind: AnsSymbolic, Template: "perm/ls",
			Text:    t("What does mode %s look like in ls -l (the nine rwx characters)?", "ls -l에서 권한 %s, 어떻게 보일까요? (rwx 9글자)").F(oct),
			Answer:  ls,
			Explain: t("%s is %s: %s", "%s → %s. %s").F(oct, ls, triplets(m))}
	case 1:
		return Question{Topic: "perm", Kind: AnsOctal, Template: "perm/octal",
			Text:    t("ls -l shows -%s. What is that mode in octal?", "ls -l에 -%s로 보입니다. 8진수로는 얼마일까요?").F(ls),
			Answer:  oct,
			Explain: t("-%s is %s: %s (s, S, t, T add a leading digit)", "-%s → %s. %s (s, S, t, T는 맨 앞 자리에 더합니다)").F(ls, oct, triplets(m))}
	case 2:
		from := quizModes[g.pick(11)] // no special bits to start with
		ch := quizChanges[g.pick(len(quizChanges))]
		c, err := perm.Compile(ch)
		if err != nil {
			panic("quiz: bad change " + ch) // the list above is fixed
		}
		const umask = 0o022
		res := c.Explain(from, false, umask)
		to := res.Mode
		note := i18n.Text{}
		if len(res.Notes) > 0 {
			note = joinNotes(res.Notes)
		}
		return Question{Topic: "perm", Kind: AnsOctal, Template: "perm/chmod",
			Text: t("A regular file has mode %s and the umask is 022. What is its mode after `chmod %s file`? (octal)",
				"일반 파일이 있습니다. 지금 권한 %s, umask 022. `chmod %s file` 뒤의 권한은? (8진수)").F(from.String(), ch),
			Answer:  to.String(),
			Explain: concat(t("%s (%s) becomes %s (%s)", "%s (%s) → %s (%s)로 바뀝니다").F(from.String(), perm.LsString(from, '-'), to.String(), perm.LsString(to, '-')), note)}
	default:
		masks := []perm.Mode{0o022, 0o002, 0o027, 0o077, 0o007, 0o037}
		u := perm.ExplainUmask(masks[g.pick(len(masks))])
		if g.pick(2) == 0 {
			return Question{Topic: "perm", Kind: AnsOctal, Template: "perm/umask",
				Text:    t("The umask is %s. What mode does a new file made with touch get? (octal)", "umask 값이 %s일 때 touch로 새로 만든 파일의 권한은? (8진수)").F(u.Umask.String()),
				Answer:  u.File.String(),
				Explain: t("files start from 0666 and the umask removes bits: 0666 & ~%s = %s", "파일은 0666에서 시작하고 umask가 비트를 뺍니다: 0666 & ~%s = %s").F(u.Umask.String(), u.File.String())}
		}
		return Question{Topic: "perm", Kind: AnsOctal, Template: "perm/umask",
			Text:    t("The umask is %s. What mode does a new directory made with mkdir get? (octal)", "umask 값이 %s일 때 mkdir로 새로 만든 디렉터리의 권한은? (8진수)").F(u.Umask.String()),
			Answer:  u.Dir.String(),
			Explain: t("directories start from 0777 and the umask removes bits: 0777 & ~%s = %s", "디렉터리는 0777에서 시작하고 umask가 비트를 뺍니다: 0777 & ~%s = %s").F(u.Umask.String(), u.Dir.String())}
	}
}

func joinNotes(ns []i18n.Text) i18n.Text {
	var en, ko []string
	for _, n := range ns {
		en, ko = append(en, n.En), append(ko, n.Ko)
	}
	return i18n.Text{En: "; " + strings.Join(en, "; "), Ko: "; " + strings.Join(ko, "; ")}
}

func concat(a, b i18n.Text) i18n.Text { return i18n.Text{En: a.En + b.En, Ko: a.Ko + b.Ko} }

// links builds a small tree with a few commands (run for real with
// /bin/sh in a fresh directory) and asks about it; the answer is what
// lstat, stat and link.Same say about the result.
func (g *quizGen) links() (Question, error) {
	g.trees++
	dir := filepath.Join(g.dir, fmt.Sprintf("tree%d", g.trees))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Question{}, err
	}
	files := []string{"notes", "todo", "plan"}
	base := files[g.pick(len(files))]
	regular := []string{base} // names of base's inode
	others := []string{}
	var symlinks []string
	cmds := []string{"echo hello > " + base}
	n := 0
	newName := func(prefix string) string { n++; return fmt.Sprintf("%s%d", prefix, n) }
	if g.pick(3) > 0 {
		// A symbolic link early on, so that later renames can break it.
		dst := newName("soft")
		cmds = append(cmds, "ln -s "+base+" "+dst)
		symlinks = append(symlinks, dst)
	}
	for i := 0; i < 3+g.pick(3); i++ {
		switch k := g.pick(6); {
		case k <= 1: // another hard link
			src := regular[g.pick(len(regular))]
			dst := newName("hard")
			cmds = append(cmds, "ln "+src+" "+dst)
			regular = append(regular, dst)
		case k == 2: // a symbolic link
			src := regular[g.pick(len(regular))]
			dst := newName("soft")
			cmds = append(cmds, "ln -s "+src+" "+dst)
			symlinks = append(symlinks, dst)
		case k == 3 && len(regular) > 1: // remove a name
			j := g.pick(len(regular))
			if g.pick(2) == 0 {
				j = 0 // the original name: an early symbolic link then breaks
			}
			cmds = append(cmds, "rm "+regular[j])
			regular = append(regular[:j], regular[j+1:]...)
		case k == 4: // a copy is a new inode
			src := regular[g.pick(len(regular))]
			dst := newName("copy")
			cmds = append(cmds, "cp "+src+" "+dst)
			others = append(others, dst)
		default: // rename
			j := g.pick(len(regular))
			if g.pick(2) == 0 {
				j = 0
			}
			dst := newName("moved")
			cmds = append(cmds, "mv "+regular[j]+" "+dst)
			regular[j] = dst
		}
	}
	if len(symlinks) == 0 {
		src := regular[g.pick(len(regular))]
		dst := newName("soft")
		cmds = append(cmds, "ln -s "+src+" "+dst)
		symlinks = append(symlinks, dst)
	}
	script := strings.Join(cmds, "\n")
	cmd := exec.Command("/bin/sh", "-ec", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return Question{}, fmt.Errorf("building a quiz tree: %v: %s", err, out)
	}
	shown := "  $ " + strings.Join(cmds, "\n  $ ")
	after := t("In an empty directory:\n%s\n", "빈 디렉터리에서:\n%s\n").F(shown)
	name := regular[g.pick(len(regular))]
	switch g.pick(3) {
	case 0:
		in, err := link.Inspect(filepath.Join(dir, name))
		if err != nil {
			return Question{}, err
		}
		var names []string
		if res, err := link.Same(filepath.Join(dir, name), dir, link.SameOptions{}); err == nil {
			for _, p := range res.Paths {
				names = append(names, filepath.Base(p))
			}
			sort.Strings(names)
		}
		return Question{Topic: "links", Kind: AnsNumber, Template: "links/nlink",
			Text:   concat(after, t("What link count does ls -l show for %s?", "ls -l에서 %s의 링크 수는?").F(name)),
			Answer: strconv.FormatUint(in.Nlink, 10),
			Explain: t("inode %d has these names: %s. The link count is the number of names (hard links) of the inode; symbolic links and copies do not count",
				"아이노드 %d번의 이름: %s. 링크 수는 그 아이노드의 이름(하드 링크) 개수입니다. 심볼릭 링크와 복사본은 세지 않습니다").F(in.Inode, strings.Join(names, " "))}, nil
	case 1:
		res, err := link.Same(filepath.Join(dir, name), dir, link.SameOptions{})
		if err != nil {
			return Question{}, err
		}
		var names []string
		for _, p := range res.Paths {
			names = append(names, filepath.Base(p))
		}
		sort.Strings(names)
		return Question{Topic: "links", Kind: AnsNames, Template: "links/same",
			Text:    concat(after, t("Which names share the inode of %s? (all of them, with spaces between)", "%s의 아이노드를 함께 쓰는 이름을 모두 쓰세요 (공백으로 구분)").F(name)),
			Answer:  strings.Join(names, " "),
			Explain: t("ln adds a name to the same inode and mv only renames; ln -s and cp make new inodes", "ln은 같은 아이노드에 이름을 더하고 mv는 이름만 바꿉니다. ln -s와 cp는 새 아이노드를 만듭니다")}, nil
	default:
		s := symlinks[0]
		ans := "yes"
		if _, err := os.Stat(filepath.Join(dir, s)); err != nil {
			ans = "no"
		}
		target, _ := os.Readlink(filepath.Join(dir, s))
		why := t("%s exists", "%s 파일이 있습니다").F(target)
		if ans == "no" {
			why = t("nothing is called %s any more", "이름이 %s인 파일은 이제 없습니다").F(target)
		}
		return Question{Topic: "links", Kind: AnsYesNo, Template: "links/cat",
			Text:    concat(after, t("Does `cat %s` still print hello? (yes or no)", "`cat %s`가 여전히 hello를 출력할까요? (예/아니오)").F(s)),
			Answer:  ans,
			Explain: concat(t("%s holds the name %q: it works only while a file of that name exists; ", "%s에는 이름 %q만 적혀 있어서, 그 이름의 파일이 있을 때만 읽힙니다. ").F(s, target), why)}, nil
	}
}

// A multiple-choice question in a bank: the first choice is right.
type bankQ struct {
	q       i18n.Text
	choices []i18n.Text
	explain i18n.Text
}

func (g *quizGen) choice(topic string, bank []bankQ) Question {
	i := g.pick(len(bank))
	b := bank[i]
	order := g.r.Perm(len(b.choices))
	q := Question{Topic: topic, Kind: AnsChoice, Text: b.q, Explain: b.explain, Template: fmt.Sprintf("%s/%d", topic, i)}
	for i, j := range order {
		q.Choices = append(q.Choices, b.choices[j])
		if j == 0 {
			q.Answer = string(rune('a' + i))
		}
	}
	return q
}

var aptBank = []bankQ{
	{t("What does `apt-get update` download from each source?", "`apt-get update`는 각 저장소에서 무엇을 내려받을까요?"),
		[]i18n.Text{t("the signed index files (InRelease, Packages): what exists and in which version", "서명된 목록 파일(InRelease, Packages): 어떤 패키지가 어떤 버전으로 있는지"),
			t("every .deb package that has a newer version", "새 버전이 있는 .deb 패키지 전부"),
			t("the source code of the installed packages", "설치된 패키지의 소스 코드"),
			t("nothing: it only reads /etc/apt", "아무것도 받지 않고 /etc/apt만 읽습니다")},
		t("update refreshes the lists; upgrade and install download .deb files", "update는 목록만 새로 받고, .deb 파일은 upgrade와 install이 받습니다")},
	{t("What is a mirror?", "미러란 무엇일까요?"),
		[]i18n.Text{t("a server that keeps an exact copy of the archive, often nearer and faster", "저장소를 그대로 복사해 두는 서버로, 보통 더 가깝고 빠릅니다"),
			t("a backup of your /etc/apt", "/etc/apt의 백업"),
			t("a package that replaces another", "다른 패키지를 대신하는 패키지"),
			t("a local cache in /var/cache/apt", "/var/cache/apt의 로컬 캐시")},
		t("mirrors copy the same signed files, so switching changes only speed and freshness", "미러는 같은 서명 파일을 복사하므로 바꿔도 속도와 최신 정도만 달라집니다")},
	{t("Why is it safe to download packages from a mirror you do not run?", "남이 운영하는 미러에서 패키지를 받아도 안전한 이유는?"),
		[]i18n.Text{t("InRelease is signed by the distribution; apt checks the signature and every file's hash", "InRelease에 배포판의 서명이 있고, apt가 서명과 모든 파일의 해시를 확인합니다"),
			t("mirrors use HTTPS, so nothing can be changed", "미러는 HTTPS를 쓰므로 바꿀 수 없습니다"),
			t("apt only accepts mirrors in its built-in list", "apt는 내장 목록의 미러만 받아들입니다"),
			t("it is not safe at all", "전혀 안전하지 않습니다")},
		t("the chain is signature -> InRelease -> hashes of Packages -> hashes of .deb files", "서명 -> InRelease -> Packages의 해시 -> .deb의 해시로 이어집니다")},
	{t("On Ubuntu 24.04, where are the sources of the distribution kept?", "우분투 24.04에서 배포판의 소스 목록은 어디에 있을까요?"),
		[]i18n.Text{t("/etc/apt/sources.list.d/ubuntu.sources, in deb822 form", "/etc/apt/sources.list.d/ubuntu.sources (deb822 형식)"),
			t("/etc/apt/sources.list, one line per source", "/etc/apt/sources.list (한 줄에 하나)"),
			t("/var/lib/apt/lists", "/var/lib/apt/lists"),
			t("/etc/apt/apt.conf", "/etc/apt/apt.conf")},
		t("24.04 moved to deb822 files with Types:, URIs:, Suites:, Components: fields", "24.04부터 Types:, URIs:, Suites:, Components: 필드가 있는 deb822 파일을 씁니다")},
	{t("When you switch to a Korean mirror, which entry should stay as it is?", "국내 미러로 바꿀 때 그대로 두어야 하는 항목은?"),
		[]i18n.Text{t("the security archive (security.ubuntu.com)", "보안 저장소 (security.ubuntu.com)"),
			t("the main archive", "기본 저장소 (archive.ubuntu.com)"),
			t("the -updates suite", "-updates 스위트"),
			t("the components list", "구성 요소 목록 (main, universe...)")},
		t("security fixes come straight from the source; mirrors may lag behind", "보안 업데이트는 원본에서 바로 받습니다. 미러는 늦을 수 있습니다")},
	{t("In `deb http://ftp.kaist.ac.kr/ubuntu noble main universe`, what is `noble`?", "`deb http://ftp.kaist.ac.kr/ubuntu noble main universe`에서 `noble`은?"),
		[]i18n.Text{t("the suite: the release's code name", "스위트: 릴리스의 코드 이름"),
			t("the mirror's name", "미러 이름"),
			t("a component", "구성 요소"),
			t("the architecture", "아키텍처")},
		t("the fields are: type, URI, suite, components", "순서는 종류, URI, 스위트, 구성 요소입니다")},
}

var containerBank = []bankQ{
	{t("What is the main difference between a container and a virtual machine?", "컨테이너와 가상 머신의 가장 큰 차이는?"),
		[]i18n.Text{t("containers share the host's kernel; a VM runs its own kernel on virtual hardware", "컨테이너는 호스트의 커널을 함께 쓰고, VM은 가상 하드웨어 위에서 자기 커널을 돌립니다"),
			t("containers cannot run Linux programs", "컨테이너는 리눅스 프로그램을 돌릴 수 없습니다"),
			t("a VM is always faster", "VM이 언제나 더 빠릅니다"),
			t("containers need special hardware support (VT-x)", "컨테이너는 특별한 하드웨어 지원(VT-x)이 필요합니다")},
		t("a container is a process with its own view (namespaces) and limits (cgroups)", "컨테이너는 자기만의 시야(네임스페이스)와 제한(cgroup)을 가진 프로세스입니다")},
	{t("Which namespace gives a container its own host name?", "컨테이너에 자기만의 호스트 이름을 주는 네임스페이스는?"),
		[]i18n.Text{t("UTS", "UTS"), t("PID", "PID"), t("mount", "마운트 (mnt)"), t("IPC", "IPC")},
		t("UTS (UNIX Time-sharing System) holds the host name and domain name", "UTS 네임스페이스가 호스트 이름과 도메인 이름을 따로 가집니다")},
	{t("Inside a new PID namespace, what PID does the first process get?", "새 PID 네임스페이스 안에서 첫 프로세스의 PID는?"),
		[]i18n.Text{t("1", "1"), t("the same as on the host", "호스트에서와 같은 번호"), t("0", "0"), t("a random number", "무작위 번호")},
		t("it is PID 1 inside (the init of that namespace) and has another PID on the host", "안에서는 1번(그 네임스페이스의 init)이고 호스트에서는 다른 번호입니다")},
	{t("What limits how much memory and CPU a container may use?", "컨테이너가 쓸 수 있는 메모리와 CPU를 제한하는 것은?"),
		[]i18n.Text{t("cgroups", "cgroup"), t("namespaces", "네임스페이스"), t("pivot_root", "pivot_root"), t("capabilities", "capability")},
		t("namespaces decide what a process sees; cgroups decide how much it may use", "네임스페이스는 무엇을 보는지, cgroup은 얼마나 쓰는지를 정합니다")},
	{t("What is a container's root filesystem (rootfs)?", "컨테이너의 루트 파일시스템(rootfs)이란?"),
		[]i18n.Text{t("an ordinary directory that becomes / for the container (pivot_root)", "컨테이너에게 /가 되는 평범한 디렉터리 (pivot_root)"),
			t("a virtual disk image with its own kernel", "자기 커널이 든 가상 디스크 이미지"),
			t("the host's / shared read-only", "읽기 전용으로 공유하는 호스트의 /"),
			t("a special partition", "특별한 파티션")},
		t("any directory with a userland in it can be a rootfs", "사용자 영역 프로그램이 든 디렉터리라면 무엇이든 rootfs가 될 수 있습니다")},
	{t("How does `docker run -v /srv/data:/data` let a container see host files?", "`docker run -v /srv/data:/data`는 어떻게 컨테이너가 호스트 파일을 보게 할까요?"),
		[]i18n.Text{t("a bind mount of the host directory into the container's mount namespace", "호스트 디렉터리를 컨테이너의 마운트 네임스페이스에 바인드 마운트합니다"),
			t("it copies the files into the image", "파일을 이미지에 복사합니다"),
			t("it shares the whole host filesystem", "호스트 파일시스템 전체를 공유합니다"),
			t("through the network", "네트워크를 거쳐서")},
		t("a bind mount shows the same inodes in a second place: changes are seen on both sides", "바인드 마운트는 같은 아이노드를 다른 자리에 보여 줍니다. 한쪽에서 바꾸면 양쪽에서 보입니다")},
}
