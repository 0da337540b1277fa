// Package i18n holds sysdojo's two languages (English and Korean), the
// bilingual Text type every user-facing explanation is written in, and the
// localized Error type that main turns into one line and an exit code.
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
)

// Lang is a display language.
type Lang string

// The languages sysdojo speaks.
const (
	EN Lang = "en"
	KO Lang = "ko"
)

// FromEnv picks the language the way the C library picks a locale for
// messages: the first non-empty of LC_ALL, LC_MESSAGES and LANG decides;
// Korean when it starts with "ko", English otherwise.
func FromEnv(getenv func(string) string) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ko") {
				return KO
			}
			return EN
		}
	}
	return EN
}

// Parse accepts "en" or "ko" (and the longer locale forms "en_US", "ko_KR.UTF-8").
func Parse(s string) (Lang, error) {
	l := strings.ToLower(s)
	switch {
	case l == "en" || strings.HasPrefix(l, "en_") || strings.HasPrefix(l, "en-"):
		return EN, nil
	case l == "ko" || strings.HasPrefix(l, "ko_") || strings.HasPrefix(l, "ko-"):
		return KO, nil
	}
	return EN, Invalid(T("unknown language %q (use en or ko)", "모르는 언어입니다: %q (en 또는 ko 중에서 고르세요)").F(s))
}

// Text is one message in both languages.
type Text struct {
	En string `json:"en"`
	Ko string `json:"ko"`
}

// T makes a Text.
func T(en, ko string) Text { return Text{En: en, Ko: ko} }

// In returns the text in l (English when the Korean is missing).
func (t Text) In(l Lang) string {
	if l == KO && t.Ko != "" {
		return t.Ko
	}
	return t.En
}

// F formats both languages with the same arguments; an argument that is
// itself a Text is put in each language as that language's text. In the
// Korean text, a particle right after a verb takes the form the
// argument needs ("%s를" gives "notes.txt를", "web1을").
func (t Text) F(args ...any) Text {
	en, ko := args, args
	for i, a := range args {
		if x, ok := a.(Text); ok {
			if &en[0] == &args[0] {
				en, ko = append([]any{}, args...), append([]any{}, args...)
			}
			en[i], ko[i] = x.En, x.In(KO)
		}
	}
	return Text{En: fmt.Sprintf(t.En, en...), Ko: sprintfKo(t.Ko, ko...)}
}

// IsZero reports whether t has no text.
func (t Text) IsZero() bool { return t.En == "" && t.Ko == "" }

// Kind says what an error means for the exit status.
type Kind int

// Error kinds: a failed operation or check (exit 1) and bad input (exit 2).
const (
	KindFailed  Kind = 1
	KindInvalid Kind = 2
)

// Error is an error whose message exists in both languages. Err, when set,
// is the underlying cause (often a *fs.PathError or a syscall.Errno).
type Error struct {
	Kind Kind
	Text Text
	Hint Text
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Text.En + ": " + e.Err.Error()
	}
	return e.Text.En
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid is bad input from the user (exit status 2).
func Invalid(t Text) *Error { return &Error{Kind: KindInvalid, Text: t} }

// Failed is an operation that could not be done (exit status 1), with its cause.
func Failed(t Text, err error) *Error { return &Error{Kind: KindFailed, Text: t, Err: err} }

// WithHint returns e with a hint on what to try next.
func (e *Error) WithHint(h Text) *Error { e.Hint = h; return e }

// Message renders err for a user reading l: the localized text of the first
// *Error in the chain and its cause, or err.Error() when there is none.
func Message(err error, l Lang) string {
	var le *Error
	if !errors.As(err, &le) {
		return err.Error()
	}
	msg := le.Text.In(l)
	if le.Err != nil {
		msg += ": " + Cause(le.Err, l)
	}
	return msg
}

// HintOf returns the hint of the first *Error in err's chain.
func HintOf(err error) Text {
	var le *Error
	if errors.As(err, &le) {
		return le.Hint
	}
	return Text{}
}

var errnoKo = map[syscall.Errno]string{
	syscall.ENOENT:    "그런 파일이나 디렉터리가 없습니다",
	syscall.EACCES:    "권한이 없습니다",
	syscall.EPERM:     "허용되지 않는 작업입니다",
	syscall.ENOTDIR:   "디렉터리가 아닙니다",
	syscall.EISDIR:    "디렉터리입니다",
	syscall.ELOOP:     "심볼릭 링크를 너무 많이 따라갔습니다",
	syscall.EEXIST:    "이미 있습니다",
	syscall.EXDEV:     "다른 파일시스템에 걸친 링크는 만들 수 없습니다",
	syscall.EROFS:     "읽기 전용 파일시스템입니다",
	syscall.ENOTEMPTY: "디렉터리가 비어 있지 않습니다",
}

// Cause renders an underlying error; well-known errnos are said in Korean
// too (with the English words kept, so they can be looked up).
func Cause(err error, l Lang) string {
	var errno syscall.Errno
	if l == KO && errors.As(err, &errno) {
		if ko, ok := errnoKo[errno]; ok {
			ko += " (" + errno.Error() + ")"
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return pe.Path + ": " + ko
			}
			return ko
		}
	}
	return err.Error()
}
