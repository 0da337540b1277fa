package i18n

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Korean particles (조사) come in pairs whose form depends on the sound the
// word before them ends with: 을/를, 은/는, 이/가, 과/와 after a final
// consonant (받침) or a vowel, and 으로/로, where a final ㄹ takes 로.
// Josa and FixParticles choose the form from the word itself, so a
// message never reads "권한 711는" or "127.0.0.1:18083를".

// pairs maps either form of a particle to its two forms: after a final
// consonant, after a vowel.
var pairs = map[string][2]string{
	"을": {"을", "를"}, "를": {"을", "를"},
	"은": {"은", "는"}, "는": {"은", "는"},
	"이": {"이", "가"}, "가": {"이", "가"},
	"과": {"과", "와"}, "와": {"과", "와"},
	"으로": {"으로", "로"}, "로": {"으로", "로"},
}

// final says how word ends when read aloud in Korean: has is true after a
// final consonant, rieul when that consonant is ㄹ. known is false when
// the word gives nothing to go by (empty, or punctuation only).
func final(word string) (has, rieul, known bool) {
	w := strings.TrimRightFunc(word, func(r rune) bool {
		return r == ')' || r == ']' || r == '"' || r == '\'' || r == '`' || r == '/' || r == '»' || r == '”' || r == '’'
	})
	r, _ := utf8.DecodeLastRuneInString(w)
	switch {
	case r == utf8.RuneError:
		return false, false, false
	case r >= 0xAC00 && r <= 0xD7A3: // a Hangul syllable
		jong := (r - 0xAC00) % 28
		return jong != 0, jong == 8, true
	case r >= '0' && r <= '9':
		// Read as Korean numbers: 영 일 이 삼 사 오 육 칠 팔 구; a
		// trailing zero of 10, 100, 1000 (십 백 천 만) ends in a consonant
		// too, and none of them in ㄹ.
		switch r {
		case '0', '3', '6':
			return true, false, true
		case '1', '7', '8':
			return true, true, true
		}
		return false, false, true
	case r < unicode.MaxASCII && unicode.IsLetter(r):
		// Latin letters, as a Korean reader says the word's end: "web"
		// 웹, "mirror.kakao.com" 컴, "pool" 풀 (ㄹ), "ping" 핑, but
		// "root" 루트, "cgroup" 그룹 (p: 받침), "setuid" 유아이디.
		lw := strings.ToLower(w)
		if len(lw) == 1 || !isLetter(lw[len(lw)-2]) {
			// A letter named alone: 엘 엠 엔 알 end in a consonant, the
			// others (에이, 비, 시, ...) in a vowel.
			switch lw[len(lw)-1] {
			case 'l', 'r':
				return true, true, true
			case 'm', 'n':
				return true, false, true
			}
			return false, false, true
		}
		switch lw[len(lw)-1] {
		case 'b', 'c', 'k', 'm', 'n', 'p', 'g':
			if lw[len(lw)-1] == 'g' && !strings.HasSuffix(lw, "ng") {
				return false, false, true // 그
			}
			return true, false, true
		case 'l':
			return true, true, true
		}
		return false, false, true
	}
	return false, false, false
}

// Josa returns word followed by the right form of particle p (either
// form may be given: "을" or "를"). An unknown particle is appended as it
// is; after a word that gives nothing to go by, both forms are written
// ("을(를)"), as Korean forms do.
func Josa(word, p string) string {
	pair, ok := pairs[p]
	if !ok {
		return word + p
	}
	has, rieul, known := final(word)
	switch {
	case !known:
		return word + pair[0] + "(" + pair[1] + ")"
	case p == "으로" || p == "로":
		if has && !rieul {
			return word + "으로"
		}
		return word + "로"
	case has:
		return word + pair[0]
	}
	return word + pair[1]
}

// particleAfter matches a particle at the start of the text that follows
// a word: the particle must end there (a space, punctuation or the end
// follows), or be 으로/로 with 는, 도, 부터 or 서 after it.
var particleAfter = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(으로|로|을|를|은|는|이|가|과|와)(?:[^\p{Hangul}]|$|(?:는|도|부터|서)(?:[^\p{Hangul}]|$))`)
})

// fixAfter rewrites the particle at the start of rest to suit word.
func fixAfter(word, rest string) string {
	m := particleAfter().FindStringSubmatch(rest)
	if m == nil {
		return rest
	}
	p := m[1]
	fixed := strings.TrimPrefix(Josa(word, p), word)
	if strings.Contains(fixed, "(") {
		return rest // nothing to go by: leave the writer's choice
	}
	return fixed + rest[len(p):]
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' }

// verbRE matches one fmt verb: %v, %5d, %[2]s, %%.
var verbRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`%(?:\[(\d+)\])?([-+# 0]*(?:\d+)?(?:\.\d+)?)([a-zA-Z%])`)
})

// sprintfKo is fmt.Sprintf for a Korean format: each particle written
// right after a verb is put in the form the argument's text needs. A
// format it cannot follow (a * width, missing arguments) is left to
// fmt.Sprintf as it is.
func sprintfKo(format string, args ...any) string {
	if !strings.Contains(format, "%") || strings.Contains(format, "*") {
		return fmt.Sprintf(format, args...)
	}
	var b strings.Builder
	next, last := 0, 0
	var pending string // the text of the verb just written
	locs := verbRE().FindAllStringSubmatchIndex(format, -1)
	for _, m := range locs {
		lit := format[last:m[0]]
		if pending != "" {
			lit = fixAfter(pending, lit)
		}
		b.WriteString(lit)
		last = m[1]
		verb := format[m[6]:m[7]]
		if verb == "%" {
			b.WriteString("%")
			pending = ""
			continue
		}
		if m[2] >= 0 {
			n, err := strconv.Atoi(format[m[2]:m[3]])
			if err != nil || n < 1 {
				return fmt.Sprintf(format, args...)
			}
			next = n - 1
		}
		if next >= len(args) {
			return fmt.Sprintf(format, args...)
		}
		pending = fmt.Sprintf("%"+format[m[4]:m[5]]+verb, args[next])
		next++
		b.WriteString(pending)
	}
	if next < len(args) && !strings.Contains(format, "%[") {
		return fmt.Sprintf(format, args...)
	}
	lit := format[last:]
	if pending != "" {
		lit = fixAfter(pending, lit)
	}
	b.WriteString(lit)
	return b.String()
}

// FixParticles fixes the particle after each of words where it appears
// in s: for text whose values were put in without a format (a lesson's
// ${name} placeholders).
func FixParticles(s string, at []int, words []string) string {
	// at[i] is the byte offset in s just after words[i]; processed from
	// the end so earlier offsets stay valid.
	for i := len(at) - 1; i >= 0; i-- {
		if at[i] < 0 || at[i] > len(s) {
			continue
		}
		s = s[:at[i]] + fixAfter(words[i], s[at[i]:])
	}
	return s
}

// SprintfKo formats a Korean text as Text.F does: fmt.Sprintf, with each
// particle right after a verb in the form its argument needs.
func SprintfKo(format string, args ...any) string { return sprintfKo(format, args...) }
