package perm

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// This file is a port of gnulib's lib/modechange.c (mode_compile and
// mode_adjust), which GNU chmod uses; the real chmod is the oracle in tests.

type changeFlag int

const (
	flagOrdinary changeFlag = iota // set the bits in value
	flagXIfAnyX                    // X: add x only for directories or when some x is set
	flagCopy                       // u, g or o on the right side: copy that class
)

// change is one operator of a chmod mode: "go=u-w" compiles into two.
type change struct {
	op        byte // '=', '+' or '-'
	flag      changeFlag
	affected  Mode // who bits given (u, g, o, a); 0 when none
	value     Mode
	mentioned Mode // bits the operator names explicitly
	text      string
	octal     bool // given as octal
}

// Change is a compiled chmod mode: what `chmod MODE` would do.
type Change struct {
	src     string
	changes []change
	whole   bool // a bare octal mode ("755")
}

// ModeError reports a mode GNU chmod rejects. Its message is chmod's own:
// invalid mode: 'u+z'.
type ModeError struct{ Mode string }

func (e *ModeError) Error() string { return "invalid mode: " + quote(e.Mode) }

// Localized returns the error as sysdojo shows it, in both languages.
func (e *ModeError) Localized() *i18n.Error {
	return i18n.Invalid(i18n.Text{En: "invalid mode: " + quote(e.Mode), Ko: "잘못된 모드: " + readableQuote(e.Mode)}).
		WithHint(i18n.T("a mode is octal (755) or clauses like u+x,g-w,o=r",
			"모드는 8진수(755)나 u+x,g-w,o=r 같은 기호 표기로 씁니다"))
}

// quote quotes like gnulib's quote() in the C locale: 'text', with ' and \
// escaped by a backslash, the C escapes \a \b \f \n \r \t \v, and any
// other control or non-ASCII byte as \ooo (so 'é' is '\303\251').
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\a', '\b', '\f', '\n', '\r', '\t', '\v':
			b.WriteByte('\\')
			b.WriteByte("abfnrtv"[strings.IndexByte("\a\b\f\n\r\t\v", c)])
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// readableQuote is quote for text a person reads rather than compares with
// chmod's output: printable UTF-8 (a stray Korean letter typed with the
// input method still on) is shown as it is.
func readableQuote(s string) string {
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return quote(s)
	}
	return "'" + s + "'"
}

// Compile parses a chmod mode exactly as GNU chmod does: an octal number of
// at most 07777, or comma-separated clauses [ugoa]*([-+=]([rwxXst]*|[ugo]))+
// where an operator may also take an octal number when no who letter is
// given. It returns a *ModeError for anything chmod rejects.
func Compile(s string) (*Change, error) {
	bad := &ModeError{Mode: s}
	if s != "" && s[0] >= '0' && s[0] <= '7' {
		var v uint32
		i := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '7'; i++ {
			v = v*8 + uint32(s[i]-'0')
			if v > uint32(AllBits) {
				return nil, bad
			}
		}
		if i != len(s) {
			return nil, bad
		}
		m := Mode(v)
		mentioned := AllBits
		if len(s) < 5 {
			mentioned = m&(SetUID|SetGID) | Sticky | 0777
		}
		return &Change{src: s, whole: true, changes: []change{{
			op: '=', flag: flagOrdinary, affected: AllBits, value: m, mentioned: mentioned, text: s, octal: true,
		}}}, nil
	}

	c := &Change{src: s}
	p := 0
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	for {
		clauseStart := p
		var affected Mode
	who:
		for ; ; p++ {
			switch at(p) {
			case 'u':
				affected |= SetUID | UserRWX
			case 'g':
				affected |= SetGID | GroupRWX
			case 'o':
				affected |= Sticky | OtherRWX
			case 'a':
				affected |= AllBits
			case '=', '+', '-':
				break who
			default:
				return nil, bad
			}
		}
		whoText := s[clauseStart:p]
		for {
			opStart := p
			op := at(p)
			p++
			ch := change{op: op, flag: flagCopy, affected: affected}
			var mentioned Mode
			switch b := at(p); {
			case b >= '0' && b <= '7':
				var v uint32
				for ; at(p) >= '0' && at(p) <= '7'; p++ {
					v = v*8 + uint32(at(p)-'0')
					if v > uint32(AllBits) {
						return nil, bad
					}
				}
				if affected != 0 || (at(p) != 0 && at(p) != ',') {
					return nil, bad
				}
				ch.affected, mentioned = AllBits, AllBits
				affected = AllBits // as gnulib: later operators of this clause see it
				ch.value = Mode(v)
				ch.flag = flagOrdinary
				ch.octal = true
			case b == 'u':
				ch.value = UserRWX
				p++
			case b == 'g':
				ch.value = GroupRWX
				p++
			case b == 'o':
				ch.value = OtherRWX
				p++
			default:
				ch.flag = flagOrdinary
			values:
				for ; ; p++ {
					switch at(p) {
					case 'r':
						ch.value |= readBits
					case 'w':
						ch.value |= writeBits
					case 'x':
						ch.value |= execBits
					case 'X':
						ch.flag = flagXIfAnyX
					case 's':
						ch.value |= SetUID | SetGID
					case 't':
						ch.value |= Sticky
					default:
						break values
					}
				}
			}
			switch {
			case mentioned != 0:
				ch.mentioned = mentioned
			case ch.affected != 0:
				ch.mentioned = ch.affected & ch.value
			default:
				ch.mentioned = ch.value
			}
			ch.text = whoText + s[opStart:p]
			c.changes = append(c.changes, ch)
			if b := at(p); b != '=' && b != '+' && b != '-' {
				break
			}
		}
		if at(p) != ',' {
			break
		}
		p++
	}
	if p != len(s) {
		return nil, bad
	}
	return c, nil
}

// String returns the mode as it was given.
func (c *Change) String() string { return c.src }

// Step is what one operator of a mode did.
type Step struct {
	Clause  string      `json:"clause"`
	Before  Mode        `json:"before"`
	After   Mode        `json:"after"`
	Added   Mode        `json:"added"`
	Removed Mode        `json:"removed"`
	Notes   []i18n.Text `json:"notes,omitempty"`
}

// Result is what chmod would do to one file.
type Result struct {
	From  Mode   `json:"from"`
	Mode  Mode   `json:"mode"`
	Dir   bool   `json:"dir"`
	Umask Mode   `json:"umask"`
	Steps []Step `json:"steps"`
	// Naive is the result with umask 0. When Mode has a bit Naive lacks and
	// the mode starts with '-', GNU chmod run as `chmod -w f` (the mode taken
	// as an option) warns "new permissions are ..., not ..." and exits 1.
	Naive Mode        `json:"naive"`
	Notes []i18n.Text `json:"notes,omitempty"`
}

// Apply returns the mode chmod gives a file (a directory when dir) whose
// mode is from, under umask. Only the 12 permission bits are considered.
func (c *Change) Apply(from Mode, dir bool, umask Mode) Mode {
	m, _ := c.adjust(from, dir, umask, false)
	return m
}

// Explain is Apply with a step for each operator and notes on the
// surprising cases.
func (c *Change) Explain(from Mode, dir bool, umask Mode) Result {
	from &= AllBits
	umask &= 0777
	m, steps := c.adjust(from, dir, umask, true)
	r := Result{From: from, Mode: m, Dir: dir, Umask: umask, Steps: steps, Naive: c.Apply(from, dir, 0)}
	// GNU chmod checks for this surprise only when the mode was taken as an
	// option (`chmod -w f`, not `chmod u+x,-w f` or `chmod -- -w f`).
	if m&^r.Naive != 0 && strings.HasPrefix(c.src, "-") {
		r.Notes = append(r.Notes, i18n.T(
			"run as `chmod %s FILE`, GNU chmod would warn: new permissions are %s, not %s (the umask kept those bits)",
			"`chmod %s 파일`로 실행하면 GNU chmod는 \"new permissions are %s, not %s\"라고 경고합니다 (umask 때문에 그 비트가 그대로 남았습니다)").
			F(c.src, LsString(m, TypeRegular)[1:], LsString(r.Naive, TypeRegular)[1:]))
	}
	return r
}

func (c *Change) adjust(from Mode, dir bool, umask Mode, explain bool) (Mode, []Step) {
	newmode := from & AllBits
	var steps []Step
	for _, ch := range c.changes {
		before := newmode
		var notes []i18n.Text
		var omit Mode
		if dir {
			omit = (SetUID | SetGID) &^ ch.mentioned
		}
		value := ch.value
		switch ch.flag {
		case flagCopy:
			value &= newmode
			var spread Mode
			if value&readBits != 0 {
				spread |= readBits
			}
			if value&writeBits != 0 {
				spread |= writeBits
			}
			if value&execBits != 0 {
				spread |= execBits
			}
			value |= spread
			if explain {
				src := map[Mode]string{UserRWX: "u", GroupRWX: "g", OtherRWX: "o"}[ch.value]
				notes = append(notes, i18n.T("copies %s's rwx (%s) from the mode as it is now; s and t are never copied",
					"현재 모드에서 %s의 rwx(%s)를 복사해 옵니다. s와 t는 복사하지 않습니다").
					F(src, rwxOf(ch.value, newmode)))
			}
		case flagXIfAnyX:
			if newmode&execBits != 0 || dir {
				value |= execBits
				if explain {
					why := i18n.T("X adds x here: some x bit is already set", "이미 x 비트가 하나 이상 켜져 있어서 X가 x 권한을 줍니다")
					if dir {
						why = i18n.T("X adds x here: it is a directory", "디렉터리이므로 X가 x 권한을 줍니다")
					}
					notes = append(notes, why)
				}
			} else if explain {
				notes = append(notes, i18n.T("X adds nothing: a regular file with no x bit set",
					"x 비트가 하나도 없는 일반 파일이라 X는 아무 일도 하지 않습니다"))
			}
		}
		mask := ch.affected
		if mask == 0 {
			mask = ^umask & AllBits
			if explain && value&umask != 0 {
				notes = append(notes, i18n.T("no u/g/o/a given, so the umask %s applies: %s stays untouched",
					"u/g/o/a를 지정하지 않았으므로 umask %s가 적용되어 %s 비트는 바뀌지 않습니다").
					F(umask.String(), BitNames(value&umask)))
			}
		} else if explain {
			// s and t are masked by the who letters: o+s, u+t and g+t do
			// nothing at all. (u+s naming setgid too is not worth a note.)
			var idle []string
			if value&(SetUID|SetGID) != 0 && mask&(SetUID|SetGID) == 0 {
				idle = append(idle, "s")
			}
			if value&Sticky != 0 && mask&Sticky == 0 {
				idle = append(idle, "t")
			}
			if len(idle) > 0 {
				notes = append(notes, i18n.T("%s does nothing for %s: setuid belongs to u, setgid to g, sticky to o",
					"%[2]s에 %[1]s를 줘도 아무 일도 일어나지 않습니다. setuid는 u, setgid는 g, sticky는 o의 비트입니다").
					F(strings.Join(idle, "/"), whoNames(ch.affected)))
			}
		}
		// Had this been a regular file, what would the step give?
		var plain Mode
		if explain && omit != 0 {
			plain = apply(ch.op, ch.affected, newmode, value&mask, 0)
		}
		value &= mask &^ omit
		newmode = apply(ch.op, ch.affected, newmode, value, omit)
		if explain {
			if kept := omit & before & newmode &^ plain; kept != 0 {
				notes = append(notes, i18n.T("a directory keeps its %s unless the mode names it (try 00755, =755 or g-s)",
					"디렉터리는 모드에 직접 적지 않은 %s 비트를 그대로 둡니다 (지우려면 00755, =755, g-s 등을 쓰세요)").
					F(BitNames(kept)))
			}
			steps = append(steps, Step{Clause: ch.text, Before: before, After: newmode,
				Added: newmode &^ before, Removed: before &^ newmode, Notes: notes})
		}
	}
	return newmode, steps
}

// apply does one operator: value is already masked; omit is the special
// bits a directory keeps.
func apply(op byte, affected, mode, value, omit Mode) Mode {
	switch op {
	case '=':
		var preserved Mode
		if affected != 0 {
			preserved = ^affected & AllBits
		}
		preserved |= omit
		return mode&preserved | value
	case '+':
		return mode | value
	case '-':
		return mode &^ value
	}
	return mode
}

func rwxOf(class, m Mode) string {
	shift := map[Mode]uint{UserRWX: 6, GroupRWX: 3, OtherRWX: 0}[class]
	v := (m & class) >> shift
	b := []byte("---")
	for i, c := range "rwx" {
		if v&(4>>uint(i)) != 0 {
			b[i] = byte(c)
		}
	}
	return string(b)
}

// BitNames names bits: "setuid", "setgid", "sticky", then "g+w,o+w" style.
func BitNames(m Mode) string {
	var parts []string
	for _, s := range []struct {
		bit  Mode
		name string
	}{{SetUID, "setuid"}, {SetGID, "setgid"}, {Sticky, "sticky"}} {
		if m&s.bit != 0 {
			parts = append(parts, s.name)
		}
	}
	for i, who := range []string{"u", "g", "o"} {
		shift := uint(6 - 3*i)
		v := m >> shift & 7
		if v == 0 {
			continue
		}
		p := who + "+"
		for j, c := range "rwx" {
			if v&(4>>uint(j)) != 0 {
				p += string(c)
			}
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ",")
}

func whoNames(affected Mode) string {
	if affected == AllBits {
		return "a"
	}
	var s string
	if affected&UserRWX != 0 {
		s += "u"
	}
	if affected&GroupRWX != 0 {
		s += "g"
	}
	if affected&OtherRWX != 0 {
		s += "o"
	}
	return s
}
