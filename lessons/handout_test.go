package lessons

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// TestHandouts renders every lesson's handout in both languages and both
// formats. The HTML must be well-formed (it is written as XHTML-style
// markup, so encoding/xml's strict parser checks every tag is closed and
// nested) and self-contained: no scripts, no external files.
func TestHandouts(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l0 := range all {
		l := l0.Bind("handout-test", map[string]string{"user": "student", "group": "student"})
		for _, lang := range []i18n.Lang{i18n.EN, i18n.KO} {
			for _, sol := range []bool{false, true} {
				o := HandoutOptions{Lang: lang, Solutions: sol}
				var h bytes.Buffer
				if err := WriteHTML(&h, l, "s", o); err != nil {
					t.Fatal(err)
				}
				page := h.String()
				if err := wellFormed(page); err != nil {
					t.Errorf("%s %s: HTML is not well-formed: %v", l.ID, lang, err)
				}
				for _, bad := range []string{"<script", "<link", "src=", "http-equiv", "@import", "url(http"} {
					if strings.Contains(page, bad) {
						t.Errorf("%s %s: HTML not self-contained: %q", l.ID, lang, bad)
					}
				}
				var md bytes.Buffer
				if err := WriteMarkdown(&md, l, "s", o); err != nil {
					t.Fatal(err)
				}
				for i, s := range l.Steps {
					title := strings.TrimSpace(s.Title.In(lang))
					if !strings.Contains(md.String(), title) || !strings.Contains(page, esc(title)) {
						t.Errorf("%s %s: step %d %q missing", l.ID, lang, i+1, title)
					}
				}
				// Solutions appear only in the instructor's copy (hints
				// may still quote a command).
				if got := strings.Contains(md.String(), "```sh") || strings.Contains(page, `class="solution"`) || strings.Contains(page, `class="answer"`); got != sol {
					t.Errorf("%s %s: solutions shown=%v, want %v", l.ID, lang, got, sol)
				}
				if lang == i18n.KO && !strings.Contains(md.String(), "단계") {
					t.Errorf("%s: Korean handout without Korean headings", l.ID)
				}
			}
		}
	}
}

func wellFormed(page string) error {
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	depth, elems := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			elems++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || elems < 10 {
		return errors.New("unbalanced or empty document")
	}
	return nil
}

func TestHandoutDiagrams(t *testing.T) {
	l, err := Get("links-experiment")
	if err != nil {
		t.Fatal(err)
	}
	var h, md bytes.Buffer
	l = l.Bind("x", nil)
	WriteHTML(&h, l, "x", HandoutOptions{Lang: i18n.EN})
	WriteMarkdown(&md, l, "x", HandoutOptions{Lang: i18n.EN})
	if strings.Count(h.String(), "<svg") < 2 {
		t.Error("links-experiment handout: want an inode and a symlink diagram")
	}
	if !strings.Contains(md.String(), "──┴──▶ [inode]") {
		t.Errorf("markdown inode diagram missing:\n%s", md.String())
	}
	p, _ := Get("perm-octal")
	h.Reset()
	WriteHTML(&h, p.Bind("x", nil), "x", HandoutOptions{Lang: i18n.KO})
	if !strings.Contains(h.String(), `<figure class="mode">`) || !strings.Contains(h.String(), "<th colspan=\"3\">소유자</th>") {
		t.Error("perm-octal handout: want a Korean mode grid")
	}
}

// Every check of every built-in lesson is described in words of its own
// in both languages: not the kind's bare name and path (the fallback), no
// empty `code`.
func TestDescribeEveryCheck(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		for i, s := range l.Steps {
			for _, c := range s.Checks {
				d := Describe(c)
				for _, text := range []string{d.En, d.Ko} {
					if text == "" || strings.Contains(text, "``") || text == c.Kind+" `"+c.Path+"`" {
						t.Errorf("%s step %d, %s check: described as %q", l.ID, i+1, c.Kind, text)
					}
				}
			}
		}
	}
}
