package apt

import (
	"errors"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// The deb822 format: stanzas of "Field: value" lines separated by empty
// lines; '#' in column 0 starts a comment line, which may sit anywhere,
// even inside a continued value; continuation lines start with a space or
// a tab.

// Field is one field of a stanza.
type Field struct {
	Name  string // as written
	Line  int    // 0-based line of "Name:"
	Value string // the value with continuation lines joined by "\n"
	// Words are the white-space separated words of the value with where
	// each one is.
	Words []Word
}

// Word is one word of a field value and where it is.
type Word struct {
	Text string
	Span Span
}

// Stanza is one paragraph of a deb822 file.
type Stanza struct {
	Start  int // 0-based line of the first field
	Fields []Field
}

// Get returns the field named name (case-insensitive); when it appears
// more than once, the last one, as apt reads it.
func (s *Stanza) Get(name string) (*Field, bool) {
	// apt lets a repeated field override the earlier one.
	for i := len(s.Fields) - 1; i >= 0; i-- {
		if strings.EqualFold(s.Fields[i].Name, name) {
			return &s.Fields[i], true
		}
	}
	return nil, false
}

// ParseStanzas splits deb822 lines into stanzas.
func ParseStanzas(path string, lines []Line) ([]Stanza, error) {
	var (
		out []Stanza
		cur *Stanza
	)
	for i, l := range lines {
		t := l.Text
		switch {
		case strings.HasPrefix(t, "#"):
			continue
		case t == "":
			// Only a truly empty line ends a stanza: apt reads a line of
			// spaces as part of the stanza.
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
		case isSpace(t[0]):
			if cur == nil || len(cur.Fields) == 0 {
				continue // apt ignores it too
			}
			f := &cur.Fields[len(cur.Fields)-1]
			f.Value += "\n" + strings.TrimSpace(t)
			f.Words = append(f.Words, words(t, 0, i)...)
		default:
			colon := strings.IndexByte(t, ':')
			if colon <= 0 || strings.ContainsAny(t[:colon], " \t") {
				return nil, &ParseError{File: path, Line: i + 1, What: i18n.T(
					"expected 'Field: value'",
					"'필드: 값' 꼴이어야 합니다")}
			}
			if cur == nil {
				cur = &Stanza{Start: i}
			}
			name := t[:colon]
			cur.Fields = append(cur.Fields, Field{
				Name:  name,
				Line:  i,
				Value: strings.TrimSpace(t[colon+1:]),
				Words: words(t, colon+1, i),
			})
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out, nil
}

func words(t string, from, line int) []Word {
	var ws []Word
	i := from
	for {
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		if i >= len(t) {
			return ws
		}
		j := i
		for j < len(t) && !isSpace(t[j]) {
			j++
		}
		ws = append(ws, Word{Text: t[i:j], Span: Span{Line: line, Start: i, End: j}})
		i = j
	}
}

// optionName maps deb822 field names to the one-line option names apt
// uses for the same setting.
var optionName = map[string]string{
	"architectures":               "arch",
	"architectures-add":           "arch+",
	"architectures-remove":        "arch-",
	"languages":                   "lang",
	"languages-add":               "lang+",
	"languages-remove":            "lang-",
	"targets":                     "target",
	"targets-add":                 "target+",
	"targets-remove":              "target-",
	"signed-by":                   "signed-by",
	"trusted":                     "trusted",
	"check-valid-until":           "check-valid-until",
	"check-date":                  "check-date",
	"pdiffs":                      "pdiffs",
	"by-hash":                     "by-hash",
	"allow-insecure":              "allow-insecure",
	"allow-weak":                  "allow-weak",
	"allow-downgrade-to-insecure": "allow-downgrade-to-insecure",
	"inrelease-path":              "inrelease-path",
	"snapshot":                    "snapshot",
}

// falseWords and trueWords are what apt's StringToBool accepts.
var falseWords = map[string]bool{"no": true, "false": true, "without": true, "off": true, "disable": true, "0": true}

func parseDeb822(path string, lines []Line) ([]Entry, error) {
	stanzas, err := ParseStanzas(path, lines)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for si, st := range stanzas {
		n := len(entries)
		if err := stanzaEntries(path, si, st, &entries); err != nil {
			if err == errSkip {
				entries = entries[:n]
				continue
			}
			return nil, err
		}
	}
	return entries, nil
}

// errSkip: a disabled stanza that apt would not have checked.
var errSkip = errors.New("skip")

func stanzaEntries(path string, si int, st Stanza, out *[]Entry) error {
	entries := *out
	defer func() { *out = entries }()
	{
		bad := func(en, ko string) error {
			return &ParseError{File: path, Line: st.Start + 1, What: i18n.Text{
				En: "malformed stanza: " + en, Ko: "잘못된 단락: " + ko}}
		}
		enabled := true
		if f, ok := st.Get("Enabled"); ok && falseWords[strings.ToLower(f.Value)] {
			enabled = false
		}
		if !enabled {
			// apt skips a disabled stanza before checking it; list its
			// entries when it is well-formed, and never fail on it.
			bad = func(string, string) error { return errSkip }
		}
		types, ok := st.Get("Types")
		if !ok || len(types.Words) == 0 {
			return bad("no Types field", "Types 필드가 없습니다")
		}
		for _, t := range types.Words {
			if t.Text != "deb" && t.Text != "deb-src" {
				return bad("unknown type '"+t.Text+"' (apt knows deb and deb-src)",
					"모르는 종류 '"+t.Text+"'입니다 (apt는 deb와 deb-src만 압니다)")
			}
		}
		uris, ok := st.Get("URIs")
		if !ok || len(uris.Words) == 0 {
			return bad("no URIs field", "URIs 필드가 없습니다")
		}
		for _, u := range uris.Words {
			if !strings.Contains(u.Text, ":") {
				return bad("URI '"+u.Text+"' has no scheme (like http:)", "URI '"+u.Text+"'에 http: 같은 스킴이 없습니다")
			}
		}
		suites, ok := st.Get("Suites")
		if !ok || len(suites.Words) == 0 {
			return bad("no Suites field", "Suites 필드가 없습니다")
		}
		var comps []string
		if c, ok := st.Get("Components"); ok {
			for _, w := range c.Words {
				comps = append(comps, w.Text)
			}
		}
		for _, s := range suites.Words {
			flat := strings.HasSuffix(s.Text, "/")
			if flat && len(comps) > 0 {
				return bad("flat suite '"+s.Text+"' takes no Components",
					"'/'로 끝나는 평면 저장소 '"+s.Text+"'에는 Components를 쓸 수 없습니다")
			}
			if !flat && len(comps) == 0 {
				return bad("no Components for suite '"+s.Text+"'",
					"배포판 '"+s.Text+"'에 Components가 없습니다")
			}
		}
		opts := map[string]string{}
		for _, f := range st.Fields {
			key := strings.ToLower(f.Name)
			switch key {
			case "types", "uris", "suites", "components", "enabled":
				continue
			}
			if o, ok := optionName[key]; ok {
				key = o
			}
			v := f.Value
			if key != "signed-by" || !strings.Contains(v, "\n") {
				v = strings.Join(strings.Fields(v), ",")
				if key == "signed-by" || key == "snapshot" || !isListOption(key) {
					v = strings.Join(strings.Fields(f.Value), " ")
				}
			}
			opts[key] = v
		}
		for _, t := range types.Words {
			for _, u := range uris.Words {
				for _, s := range suites.Words {
					c := comps
					if strings.HasSuffix(s.Text, "/") {
						c = []string{}
					}
					entries = append(entries, Entry{
						File: path, Line: st.Start + 1, Type: t.Text, URI: u.Text, Suite: s.Text,
						Components: append([]string(nil), c...), Enabled: enabled,
						Options: copyMap(opts), Stanza: si, URISpan: u.Span,
					})
				}
			}
		}
	}
	return nil
}

func isListOption(key string) bool {
	switch strings.TrimRight(key, "+-") {
	case "arch", "lang", "target":
		return true
	}
	return false
}

func copyMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
