package apt

import (
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// The one-line format, read the way apt's pkgSourceList reads it
// (apt-pkg/sourcelist.cc ParseFileOldStyle and Type::ParseLine, with
// ParseQuoteWord from strutl.cc).

func parseOneLine(path string, lines []Line) ([]Entry, error) {
	var entries []Entry
	for i, l := range lines {
		e, ok, what := parseListLine(l.Text)
		if !what.IsZero() {
			return nil, &ParseError{File: path, Line: i + 1, What: what}
		}
		if !ok {
			continue
		}
		e.File, e.Line, e.Stanza = path, i+1, -1
		e.URISpan.Line = i
		entries = append(entries, e)
	}
	return entries, nil
}

// commentStart returns where a comment starts in s (len(s) when there is
// none): at the first '#' not preceded by more '[' than ']'.
func commentStart(s string) int {
	open := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			open++
		case ']':
			open--
		case '#':
			if open <= 0 {
				return i
			}
		}
	}
	return len(s)
}

// parseListLine parses one line. ok is false for a line that holds no
// entry; what is non-zero when the line is malformed. A line whose comment
// holds a well-formed entry gives that entry, disabled and Commented.
func parseListLine(text string) (e Entry, ok bool, what i18n.Text) {
	cut := commentStart(text)
	start := 0
	for start < cut && (text[start] == ' ' || text[start] == '\t' || text[start] == '\r') {
		start++
	}
	end := cut
	for end > start && (text[end-1] == ' ' || text[end-1] == '\t' || text[end-1] == '\r') {
		end--
	}
	if start == end {
		if cut == len(text) {
			return Entry{}, false, i18n.Text{}
		}
		return commentedEntry(text, cut)
	}
	e, what = parseEntryText(text[:end], start)
	if !what.IsZero() {
		return Entry{}, false, what
	}
	e.Enabled = true
	return e, true, i18n.Text{}
}

// commentedEntry looks for an entry in the comment starting at cut:
// "# deb http://... main" or "#deb-src ...".
func commentedEntry(text string, cut int) (Entry, bool, i18n.Text) {
	i := cut
	for i < len(text) && (text[i] == '#' || text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if !strings.HasPrefix(text[i:], "deb") {
		return Entry{}, false, i18n.Text{}
	}
	body := text
	c := i + commentStart(text[i:])
	end := c
	for end > i && isSpace(text[end-1]) {
		end--
	}
	body = text[:end]
	e, what := parseEntryText(body, i)
	if !what.IsZero() || !strings.Contains(e.URI, ":") {
		return Entry{}, false, i18n.Text{}
	}
	e.Commented = true
	return e, true, i18n.Text{}
}

func malformed(en, ko string) i18n.Text {
	return i18n.Text{En: "malformed entry: " + en, Ko: "잘못된 항목: " + ko}
}

// parseEntryText parses s[i:] (comment and trailing space already cut) as
// "TYPE [OPTIONS] URI SUITE [COMPONENT...]". Spans are columns in s.
func parseEntryText(s string, i int) (Entry, i18n.Text) {
	e := Entry{Options: map[string]string{}}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\v' {
		j++
	}
	e.Type = s[i:j]
	if j == len(s) {
		return e, malformed("a type ('deb' or 'deb-src') must be followed by a URI and a suite",
			"종류('deb'나 'deb-src') 다음에 URI와 배포판 이름(suite)이 와야 합니다")
	}
	if e.Type != "deb" && e.Type != "deb-src" {
		return e, i18n.Text{
			En: "unknown type '" + e.Type + "' (apt knows deb and deb-src)",
			Ko: "모르는 종류 '" + e.Type + "'입니다 (apt는 deb와 deb-src만 압니다)",
		}
	}
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '[' {
		j++
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		for j >= len(s) || s[j] != ']' {
			_, end, next, opt, ok := quoteWord(s, j)
			if !ok {
				return e, malformed("the [option] block is not closed or cannot be read",
					"[옵션] 블록이 닫히지 않았거나 읽을 수 없습니다")
			}
			if len(opt) < 3 {
				return e, malformed("option '"+opt+"' is too short", "옵션 '"+opt+"'이 너무 짧습니다")
			}
			if strings.HasSuffix(opt, "]") {
				next = end - 1
				opt = opt[:len(opt)-1]
			}
			key, value, found := strings.Cut(opt, "=")
			if !found {
				return e, malformed("option '"+opt+"' is not key=value", "옵션 '"+opt+"'이 key=value 꼴이 아닙니다")
			}
			if key == "" {
				return e, malformed("option '"+opt+"' has no name", "옵션 '"+opt+"'에 이름이 없습니다")
			}
			if value == "" {
				return e, malformed("option '"+opt+"' has no value", "옵션 '"+opt+"'에 값이 없습니다")
			}
			e.Options[key] = value
			j = next
		}
		j++
		for j < len(s) && isSpace(s[j]) {
			j++
		}
	}
	us, ue, next, uri, ok := quoteWord(s, j)
	if !ok {
		return e, malformed("no URI", "URI가 없습니다")
	}
	e.URI, e.URISpan.Start, e.URISpan.End = uri, us, ue
	_, _, next, suite, ok := quoteWord(s, next)
	if !ok {
		return e, malformed("no suite after the URI", "URI 다음에 배포판 이름(suite)이 없습니다")
	}
	e.Suite = suite
	if !strings.Contains(uri, ":") {
		return e, malformed("URI '"+uri+"' has no scheme (like http:)", "URI '"+uri+"'에 http: 같은 스킴이 없습니다")
	}
	if strings.HasSuffix(suite, "/") {
		if _, _, _, c, ok := quoteWord(s, next); ok {
			return e, malformed("flat suite '"+suite+"' takes no components, found '"+c+"'",
				"'/'로 끝나는 평면 저장소 '"+suite+"'에는 컴포넌트를 쓸 수 없는데 '"+c+"'가 있습니다")
		}
		e.Components = []string{}
		return e, i18n.Text{}
	}
	for {
		_, _, n, c, ok := quoteWord(s, next)
		if !ok {
			break
		}
		e.Components = append(e.Components, c)
		next = n
	}
	if len(e.Components) == 0 {
		return e, malformed("no components after suite '"+suite+"'", "배포판 '"+suite+"' 다음에 컴포넌트(main 등)가 없습니다")
	}
	return e, i18n.Text{}
}

// quoteWord is apt's ParseQuoteWord on s from i: a word runs to the next
// white space, except that "..." and [...] may hold spaces. It returns the
// raw word's columns, where the next word may start, and the word with
// quotes removed and %XX decoded. ok is false when there is no word or a
// quote or bracket is not closed.
func quoteWord(s string, i int) (start, end, next int, word string, ok bool) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) {
		return 0, 0, i, "", false
	}
	start = i
	for i < len(s) && !isSpace(s[i]) {
		if s[i] == '"' {
			k := strings.IndexByte(s[i+1:], '"')
			if k < 0 {
				return 0, 0, i, "", false
			}
			i += 1 + k
		} else if s[i] == '[' {
			k := strings.IndexByte(s[i+1:], ']')
			if k < 0 {
				return 0, 0, i, "", false
			}
			i += 1 + k
		}
		i++
	}
	end = i
	var b strings.Builder
	for k := start; k < end; k++ {
		c := s[k]
		if c == '%' && k+2 < end && isHex(s[k+1]) && isHex(s[k+2]) {
			b.WriteByte(unhex(s[k+1])<<4 | unhex(s[k+2]))
			k += 2
			continue
		}
		if c != '"' {
			b.WriteByte(c)
		}
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return start, end, i, b.String(), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
