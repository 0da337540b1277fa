package i18n

import (
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, EN},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, KO},
		{map[string]string{"LANG": "ko_KR.UTF-8", "LC_ALL": "C"}, EN},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "ko_KR"}, KO},
		{map[string]string{"LC_ALL": "ko"}, KO},
	}
	for _, tt := range tests {
		if got := FromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("FromEnv(%v) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"en": EN, "ko": KO, "KO": KO, "ko_KR.UTF-8": KO, "en_GB": EN} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %s, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "fr", "korean"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestMessage(t *testing.T) {
	cause := &fs.PathError{Op: "lstat", Path: "/nope", Err: syscall.ENOENT}
	err := fmt.Errorf("inspecting: %w", Failed(T("cannot inspect", "확인할 수 없습니다"), cause))
	if got, want := Message(err, EN), "cannot inspect: lstat /nope: no such file or directory"; got != want {
		t.Errorf("EN: %q, want %q", got, want)
	}
	if got, want := Message(err, KO), "확인할 수 없습니다: /nope: 그런 파일이나 디렉터리가 없습니다 (no such file or directory)"; got != want {
		t.Errorf("KO: %q, want %q", got, want)
	}
	if got := Message(fmt.Errorf("plain"), KO); got != "plain" {
		t.Errorf("plain error: %q", got)
	}
}

func ExampleText_F() {
	t := T("%d files", "파일 %d개").F(3)
	fmt.Println(t.In(EN))
	fmt.Println(t.In(KO))
	// Output:
	// 3 files
	// 파일 3개
}
