package lessons

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// HandoutOptions say what a handout holds.
type HandoutOptions struct {
	Lang i18n.Lang
	// Solutions adds each step's solution commands (or quiz answer).
	Solutions bool
}

// Describe says in words what check c wants, for a handout.
func Describe(c Check) i18n.Text {
	code := func(s string) string { return "`" + s + "`" }
	p := code(c.Path)
	if k, ok := registry[c.Kind]; ok && k.Describe != nil {
		return k.Describe(c)
	}
	switch c.Kind {
	case KindExists:
		if c.Want != "" {
			return bi("%s exists and is a %s", "%s: %s로 있음", []any{p, c.Want}, []any{p, typeText(c.Want).Ko})
		}
		return t("%s exists", "%s: 있음").F(p)
	case KindAbsent:
		return t("%s is gone", "%s: 없음").F(p)
	case KindMode:
		return t("%s has mode %s", "%s: 권한 %s").F(p, c.Want)
	case KindOwner:
		return t("%s belongs to user %s", "%s: 소유자 %s").F(p, c.Want)
	case KindGroup:
		return t("%s belongs to group %s", "%s: 그룹 %s").F(p, c.Want)
	case KindSameInode:
		return t("%s are one inode (hard links)", "%s: 같은 아이노드 (하드 링크)").F(codes(c.Paths))
	case KindDiffInode:
		return t("%s are different inodes", "%s: 서로 다른 아이노드").F(codes(c.Paths))
	case KindTarget:
		return t("%s is a symbolic link to %s", "%s: 대상이 %s인 심볼릭 링크").F(p, code(c.Want))
	case KindDangles:
		return t("%s is a dangling symbolic link", "%s: 끊어진 심볼릭 링크").F(p)
	case KindResolves:
		return t("%s is a symbolic link that leads to a file", "%s: 실제 파일로 이어지는 심볼릭 링크").F(p)
	case KindNlink:
		return t("%s has %s links", "%s: 링크 수 %s").F(p, c.Want)
	case KindContains:
		return t("%s contains %q", "%s: %q 내용이 들어 있음").F(p, c.Want)
	case KindAnswer, KindAnswerInode:
		return t("the answer, given with `sysdojo lesson answer`", "`sysdojo lesson answer`로 낸 답")
	case KindMirror:
		return t("the sources under %s use %s", "%s 아래 소스 목록: %s 미러 사용").F(p, code(c.Want))
	}
	return t("%s %s", "%s %s").F(c.Kind, p)
}

// withWhy adds a check's why, when it has one, to what it describes.
func withWhy(d i18n.Text, c Check) i18n.Text {
	if c.Why.IsZero() {
		return d
	}
	return i18n.Text{En: d.En + ": " + c.Why.En, Ko: d.Ko + ": " + c.Why.Ko}
}

func codes(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "`" + p + "`"
	}
	return strings.Join(out, ", ")
}

var hl = map[string]i18n.Text{
	"task":      t("Task", "과제"),
	"hints":     t("Hints", "힌트"),
	"solution":  t("Solution", "풀이"),
	"answer":    t("Answer", "답"),
	"checked":   t("Checked by `sysdojo lesson check`", "`sysdojo lesson check`가 확인하는 것"),
	"files":     t("Starting files", "처음 파일"),
	"root":      t("Needs root. Not root? What you would see:", "root 권한이 필요합니다. root가 아니라면 이렇게 됩니다:"),
	"start":     t("Start with", "시작하기"),
	"step":      t("Step %d", "%d단계"),
	"path":      t("name", "이름"),
	"type":      t("type", "종류"),
	"mode":      t("mode", "권한"),
	"content":   t("content / target", "내용 / 대상"),
	"finished":  t("When you are done", "마치면"),
	"diagram":   t("Diagram", "그림"),
	"user":      t("user", "소유자"),
	"group":     t("group", "그룹"),
	"other":     t("other", "그 외"),
	"inode":     t("one inode, one file's data", "아이노드 하나 = 파일 데이터 하나"),
	"linktext":  t("holds the text", "저장된 글자"),
	"generated": t("Made with sysdojo from lesson %s. Values for seed %q.", "sysdojo의 레슨 %s에서 만들었습니다. 시드 %q의 값입니다."),
}

func (o HandoutOptions) h(key string) string { return hl[key].In(o.Lang) }

// WriteMarkdown writes a printable Markdown handout of the bound lesson l:
// intro, starting files, then every step with its explanation, task,
// hints, what the check looks at and, with Solutions, the solution.
// Modes and links get small text diagrams.
func WriteMarkdown(w io.Writer, l *Lesson, seed string, o HandoutOptions) error {
	var b strings.Builder
	in := func(x i18n.Text) string { return strings.TrimRight(x.In(o.Lang), "\n") }
	fmt.Fprintf(&b, "# %s\n\n", in(l.Title))
	fmt.Fprintf(&b, "%s: `%s`\n\n", o.h("start"), startCommand(l))
	b.WriteString(mdText(in(l.Intro)) + "\n\n")
	if len(l.Files) > 0 {
		fmt.Fprintf(&b, "## %s\n\n| %s | %s | %s | %s |\n|---|---|---|---|\n", o.h("files"), o.h("path"), o.h("type"), o.h("mode"), o.h("content"))
		for _, f := range l.Files {
			typ, mode, cont := fileRow(f, o.Lang)
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Path, typ, mode, strings.ReplaceAll(cont, "|", `\|`))
		}
		b.WriteString("\n")
	}
	for i, s := range l.Steps {
		fmt.Fprintf(&b, "## %s: %s\n\n", fmt.Sprintf(o.h("step"), i+1), in(s.Title))
		b.WriteString(mdText(in(s.Text)) + "\n\n")
		fmt.Fprintf(&b, "**%s:** %s\n\n", o.h("task"), mdText(in(s.Task)))
		if s.NeedsRoot {
			fmt.Fprintf(&b, "> **%s** %s\n\n", o.h("root"), strings.ReplaceAll(in(s.Explain), "\n", " "))
		}
		for _, d := range diagrams(s) {
			lines := d.text(o)
			for i := range lines {
				lines[i] = strings.TrimRight(lines[i], " ")
			}
			b.WriteString("```\n" + strings.Join(lines, "\n") + "\n```\n\n")
		}
		fmt.Fprintf(&b, "%s:\n\n", o.h("checked"))
		for _, c := range s.Checks {
			fmt.Fprintf(&b, "- [ ] %s\n", Describe(c).In(o.Lang))
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "%s:\n\n", o.h("hints"))
		for j, hint := range s.Ladder() {
			fmt.Fprintf(&b, "%d. %s\n", j+1, mdText(in(hint)))
		}
		b.WriteString("\n")
		if o.Solutions {
			if len(s.Solution) > 0 {
				fmt.Fprintf(&b, "%s:\n\n```sh\n%s\n```\n\n", o.h("solution"), strings.Join(s.Solution, "\n"))
			}
			if s.IsQuiz() {
				fmt.Fprintf(&b, "%s: `%s`\n\n", o.h("answer"), quizAnswer(s))
			}
		}
	}
	if x := in(l.Outro); x != "" {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", o.h("finished"), mdText(x))
	}
	fmt.Fprintf(&b, "---\n\n*%s*\n", fmt.Sprintf(o.h("generated"), l.ID, seed))
	_, err := io.WriteString(w, b.String())
	return err
}

func quizAnswer(s Step) string {
	if s.AnswerCmd != "" {
		return "$(" + s.AnswerCmd + ")"
	}
	return s.Answer
}

// mdText keeps a text's paragraphs and turns more-indented lines
// (examples) into indented code lines.
func mdText(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "  ") {
			out = append(out, "    "+strings.TrimLeft(l, " "))
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func fileRow(f File, lang i18n.Lang) (typ, mode, content string) {
	switch f.Type {
	case "dir":
		typ, mode = typeText("directory").In(lang), "0755"
	case "symlink":
		typ, mode, content = typeText("symbolic link").In(lang), "", "→ "+f.Target
	default:
		typ, mode = typeText("regular file").In(lang), "0644"
		content = strings.TrimRight(f.Content, "\n")
		if len(content) > 40 {
			content = content[:37] + "..."
		}
		content = strings.ReplaceAll(content, "\n", " ⏎ ")
	}
	if f.Mode != "" {
		mode = f.Mode
	}
	return typ, mode, content
}

// A diagram drawn for a step: a permission grid for a mode check, names
// and inodes for link checks.
type diagram struct {
	kind  string // "mode", "inode", "symlink"
	mode  perm.Mode
	path  string
	names []string
	want  string
}

func diagrams(s Step) []diagram {
	var out []diagram
	for _, c := range s.Checks {
		switch c.Kind {
		case KindMode:
			if m, err := strconv.ParseUint(c.Want, 8, 32); err == nil {
				out = append(out, diagram{kind: "mode", mode: perm.Mode(m), path: c.Path})
			}
		case KindSameInode:
			out = append(out, diagram{kind: "inode", names: c.Paths})
		case KindTarget:
			out = append(out, diagram{kind: "symlink", path: c.Path, want: c.Want})
		}
	}
	return out
}

func (d diagram) text(o HandoutOptions) []string {
	switch d.kind {
	case "mode":
		ls := perm.LsString(d.mode, '-')
		return []string{
			fmt.Sprintf("%s  %s  %s", d.path, d.mode, ls),
			fmt.Sprintf("       %-7s %-7s %-7s", o.h("user"), o.h("group"), o.h("other")),
			fmt.Sprintf("       %-7s %-7s %-7s", spaced(ls[1:4]), spaced(ls[4:7]), spaced(ls[7:10])),
			fmt.Sprintf("       %-7d %-7d %-7d", d.mode>>6&7, d.mode>>3&7, d.mode&7),
		}
	case "inode":
		var out []string
		for i, n := range d.names {
			arrow := "──┤"
			if i == 0 {
				arrow = "──┐"
			}
			if i == len(d.names)-1 {
				arrow = "──┴──▶ [inode]  " + o.h("inode")
			}
			out = append(out, fmt.Sprintf("%-14s %s", n, arrow))
		}
		return out
	case "symlink":
		return []string{fmt.Sprintf("%s ──▶ %s %q ──▶ %s", d.path, o.h("linktext"), d.want, d.want)}
	}
	return nil
}

func spaced(s string) string { return strings.Join(strings.Split(s, ""), " ") }

// WriteHTML writes the same handout as one self-contained HTML page (no
// external files: styles inline, diagrams as inline SVG and tables),
// laid out for printing on A4. The markup is well-formed XML.
func WriteHTML(w io.Writer, l *Lesson, seed string, o HandoutOptions) error {
	var b strings.Builder
	in := func(x i18n.Text) string { return strings.TrimRight(x.In(o.Lang), "\n") }
	title := in(l.Title)
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n", o.Lang)
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", esc(title), handoutCSS)
	fmt.Fprintf(&b, "<header><h1>%s</h1>\n<p class=\"start\">%s: <code>%s</code></p></header>\n", esc(title), esc(o.h("start")), esc(startCommand(l)))
	b.WriteString(htmlText(in(l.Intro)))
	if len(l.Files) > 0 {
		fmt.Fprintf(&b, "<h2>%s</h2>\n<table class=\"files\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
			esc(o.h("files")), esc(o.h("path")), esc(o.h("type")), esc(o.h("mode")), esc(o.h("content")))
		for _, f := range l.Files {
			typ, mode, cont := fileRow(f, o.Lang)
			fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td><code>%s</code></td><td>%s</td></tr>\n", esc(f.Path), esc(typ), esc(mode), esc(cont))
		}
		b.WriteString("</tbody></table>\n")
	}
	for i, s := range l.Steps {
		b.WriteString("<section class=\"step\">\n")
		fmt.Fprintf(&b, "<h2><span class=\"num\">%s</span> %s</h2>\n", esc(fmt.Sprintf(o.h("step"), i+1)), esc(in(s.Title)))
		b.WriteString(htmlText(in(s.Text)))
		fmt.Fprintf(&b, "<div class=\"task\"><strong>%s</strong> %s</div>\n", esc(o.h("task")), inline(in(s.Task)))
		if s.NeedsRoot {
			fmt.Fprintf(&b, "<div class=\"root\"><strong>%s</strong> %s</div>\n", esc(o.h("root")), inline(in(s.Explain)))
		}
		for _, d := range diagrams(s) {
			b.WriteString(d.html(o))
		}
		fmt.Fprintf(&b, "<p class=\"label\">%s</p>\n<ul class=\"checks\">\n", inline(o.h("checked")))
		for _, c := range s.Checks {
			fmt.Fprintf(&b, "<li>%s</li>\n", inline(Describe(c).In(o.Lang)))
		}
		b.WriteString("</ul>\n")
		fmt.Fprintf(&b, "<p class=\"label\">%s</p>\n<ol class=\"hints\">\n", esc(o.h("hints")))
		for _, hint := range s.Ladder() {
			fmt.Fprintf(&b, "<li>%s</li>\n", inline(in(hint)))
		}
		b.WriteString("</ol>\n")
		if o.Solutions {
			if len(s.Solution) > 0 {
				fmt.Fprintf(&b, "<p class=\"label\">%s</p>\n<pre class=\"solution\">", esc(o.h("solution")))
				for _, c := range s.Solution {
					fmt.Fprintf(&b, "$ %s\n", esc(c))
				}
				b.WriteString("</pre>\n")
			}
			if s.IsQuiz() {
				fmt.Fprintf(&b, "<p class=\"answer\"><strong>%s:</strong> <code>%s</code></p>\n", esc(o.h("answer")), esc(quizAnswer(s)))
			}
		}
		b.WriteString("</section>\n")
	}
	if x := in(l.Outro); x != "" {
		fmt.Fprintf(&b, "<h2>%s</h2>\n%s", esc(o.h("finished")), htmlText(x))
	}
	fmt.Fprintf(&b, "<footer>%s</footer>\n</body>\n</html>\n", esc(fmt.Sprintf(o.h("generated"), l.ID, seed)))
	_, err := io.WriteString(w, b.String())
	return err
}

func esc(s string) string { return html.EscapeString(s) }

var codeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("`([^`]+)`") })

// inline escapes s and turns `code` into <code>.
func inline(s string) string {
	return codeRE().ReplaceAllString(esc(s), "<code>$1</code>")
}

// htmlText renders a lesson text: paragraphs, with more-indented lines
// (examples) as preformatted blocks.
func htmlText(s string) string {
	var b strings.Builder
	var para, pre []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
		if len(pre) > 0 {
			b.WriteString("<pre>" + esc(strings.Join(pre, "\n")) + "</pre>\n")
			pre = nil
		}
	}
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			flush()
		case strings.HasPrefix(l, "  "):
			if len(para) > 0 {
				b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
				para = nil
			}
			pre = append(pre, strings.TrimPrefix(l, "  "))
		default:
			if len(pre) > 0 {
				flush()
			}
			para = append(para, l)
		}
	}
	flush()
	return b.String()
}

func (d diagram) html(o HandoutOptions) string {
	var b strings.Builder
	switch d.kind {
	case "mode":
		ls := perm.LsString(d.mode, '-')
		fmt.Fprintf(&b, "<figure class=\"mode\"><figcaption><code>%s</code> → <code>%s</code> <code>%s</code></figcaption>\n<table><tr>", esc(d.path), d.mode, esc(ls))
		for _, who := range []string{"user", "group", "other"} {
			fmt.Fprintf(&b, "<th colspan=\"3\">%s</th>", esc(o.h(who)))
		}
		b.WriteString("</tr>\n<tr>")
		for i := 0; i < 9; i++ {
			c := ls[1+i]
			cls := "off"
			if c != '-' {
				cls = "on"
			}
			fmt.Fprintf(&b, "<td class=\"%s\">%c</td>", cls, c)
		}
		b.WriteString("</tr>\n<tr>")
		for _, v := range []perm.Mode{d.mode >> 6 & 7, d.mode >> 3 & 7, d.mode & 7} {
			fmt.Fprintf(&b, "<td colspan=\"3\" class=\"digit\">%d</td>", v)
		}
		b.WriteString("</tr></table></figure>\n")
	case "inode":
		h := 34*len(d.names) + 16
		fmt.Fprintf(&b, "<figure class=\"links\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"%d\" viewBox=\"0 0 560 %d\" role=\"img\">", h, h)
		b.WriteString(svgDefs)
		cy := h / 2
		for i, n := range d.names {
			y := 8 + 34*i
			fmt.Fprintf(&b, "<rect x=\"8\" y=\"%d\" width=\"170\" height=\"26\" rx=\"4\" class=\"name\"/><text x=\"18\" y=\"%d\" class=\"mono\">%s</text>", y, y+18, esc(n))
			fmt.Fprintf(&b, "<line x1=\"178\" y1=\"%d\" x2=\"296\" y2=\"%d\" class=\"arrow\" marker-end=\"url(#head)\"/>", y+13, cy)
		}
		fmt.Fprintf(&b, "<rect x=\"300\" y=\"%d\" width=\"250\" height=\"40\" rx=\"6\" class=\"inode\"/><text x=\"312\" y=\"%d\">%s</text>", cy-20, cy+5, esc(o.h("inode")))
		b.WriteString("</svg></figure>\n")
	case "symlink":
		fmt.Fprintf(&b, "<figure class=\"links\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"60\" viewBox=\"0 0 560 60\" role=\"img\">%s", svgDefs)
		fmt.Fprintf(&b, "<rect x=\"8\" y=\"8\" width=\"150\" height=\"44\" rx=\"4\" class=\"name\"/><text x=\"18\" y=\"28\" class=\"mono\">%s</text><text x=\"18\" y=\"45\" class=\"small\">%s</text>", esc(d.path), esc(fmt.Sprintf("%s %q", o.h("linktext"), d.want)))
		fmt.Fprintf(&b, "<line x1=\"158\" y1=\"30\" x2=\"330\" y2=\"30\" class=\"arrow dashed\" marker-end=\"url(#head)\"/>")
		fmt.Fprintf(&b, "<rect x=\"334\" y=\"12\" width=\"216\" height=\"36\" rx=\"4\" class=\"name\"/><text x=\"344\" y=\"35\" class=\"mono\">%s</text>", esc(d.want))
		b.WriteString("</svg></figure>\n")
	}
	return b.String()
}

const svgDefs = `<defs><marker id="head" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>`

const handoutCSS = `
body { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic", "DejaVu Sans", sans-serif;
  max-width: 48em; margin: 2em auto; padding: 0 1.5em; line-height: 1.55; color: #111; font-size: 11pt; }
h1 { font-size: 1.9em; border-bottom: 3px solid #111; padding-bottom: .2em; margin-bottom: .2em; }
h2 { font-size: 1.3em; margin: 1.4em 0 .4em; }
.num { display: inline-block; background: #111; color: #fff; padding: 0 .45em; border-radius: 4px; margin-right: .3em; }
code, pre, .mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK KR", monospace; }
code { background: #f1f1f1; padding: 0 .25em; border-radius: 3px; }
pre { background: #f6f6f6; border-left: 4px solid #999; padding: .5em .8em; overflow-x: auto; }
.start { color: #444; margin-top: 0; }
.task { border: 2px solid #111; border-radius: 6px; padding: .5em .8em; margin: .6em 0; background: #fffbe6; }
.root { border-left: 4px solid #c60; padding: .3em .8em; margin: .6em 0; background: #fff4ec; }
.label { font-weight: bold; margin: .6em 0 .1em; }
ul.checks { list-style: none; padding-left: 1em; }
ul.checks li::before { content: "☐ "; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #999; padding: .15em .5em; text-align: left; }
figure { margin: .6em 0; }
figure.mode td { font-family: "DejaVu Sans Mono", monospace; text-align: center; width: 1.6em; font-size: 1.2em; }
figure.mode td.on { background: #222; color: #fff; font-weight: bold; }
figure.mode td.off { color: #999; }
figure.mode td.digit { font-weight: bold; }
figure.mode th { text-align: center; background: #eee; }
svg .name { fill: #fff; stroke: #222; stroke-width: 1.5; }
svg .inode { fill: #e8f0ff; stroke: #224; stroke-width: 2; }
svg .arrow { stroke: #333; stroke-width: 1.5; }
svg .dashed { stroke-dasharray: 6 4; }
svg text { font-size: 14px; fill: #111; }
svg .small { font-size: 11px; fill: #555; }
.step { page-break-inside: avoid; break-inside: avoid; border-top: 1px solid #ccc; }
footer { margin-top: 2em; color: #666; font-size: .85em; border-top: 1px solid #ccc; padding-top: .5em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
`

// startCommand is how a reader starts l: the lesson, or the tour.
func startCommand(l *Lesson) string {
	if l.IsTour() {
		return "sysdojo tour"
	}
	return "sysdojo lesson start " + l.ID
}
