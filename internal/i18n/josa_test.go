package i18n

import "testing"

func TestJosa(t *testing.T) {
	for _, c := range []struct{ word, p, want string }{
		{"사과", "을", "사과를"},
		{"책", "를", "책을"},
		{"파일", "으로", "파일로"}, // ㄹ takes 로
		{"그룹", "로", "그룹으로"},
		{"디렉터리", "은", "디렉터리는"},
		{"711", "는", "711은"},                         // 칠백십일: ㄹ
		{"750", "는", "750은"},                         // 칠백오십: ㅂ
		{"2770", "는", "2770은"},                       // ...칠십
		{"0644", "은", "0644는"},                       // ...사
		{"127.0.0.1:18083", "를", "127.0.0.1:18083을"}, // 삼
		{"18082", "을", "18082를"},                     // 이
		{"8080", "으로", "8080으로"},
		{"7", "으로", "7로"}, // 칠: ㄹ
		{"web", "를", "web을"},
		{"mirror.kakao.com", "를", "mirror.kakao.com을"},
		{"kakao", "을", "kakao를"},
		{"pool", "으로", "pool로"},
		{"ping", "가", "ping이"},
		{"root", "이", "root가"},
		{"setuid", "이", "setuid가"},
		{"r", "과", "r과"},
		{"x", "과", "x와"},
		{"notes.txt", "를", "notes.txt를"},
		{"(x)", "를", "(x)를"},
		{"", "을", "을(를)"},
		{"...", "을", "...을(를)"},
		{"abc", "의", "abc의"},
	} {
		if got := Josa(c.word, c.p); got != c.want {
			t.Errorf("Josa(%q, %q) = %q, want %q", c.word, c.p, got, c.want)
		}
	}
}

func TestFParticles(t *testing.T) {
	for _, c := range []struct {
		format string
		args   []any
		want   string
	}{
		{"권한 %s는 그대로입니다", []any{"711"}, "권한 711은 그대로입니다"},
		{"%s를 확인합니다", []any{"127.0.0.1:18083"}, "127.0.0.1:18083을 확인합니다"},
		{"%s로는 안 됩니다", []any{"그룹"}, "그룹으로는 안 됩니다"},
		{"%[2]s 안에 %[1]s가 있습니다", []any{"/tmp/note", "web"}, "web 안에 /tmp/note가 있습니다"},
		{"%[2]s 안에 %[1]s가 있습니다", []any{"/tmp/a.txt", "web"}, "web 안에 /tmp/a.txt가 있습니다"},
		{"%s이다", []any{"사과"}, "사과이다"}, // not a particle: left alone
		{"%s가나다", []any{"책"}, "책가나다"}, // ditto
		{"%d개", []any{3}, "3개"},                  // a counter, not a particle
		{"100%% %s를", []any{"web"}, "100% web을"}, // %% kept
		{"%s를", []any{""}, "를"},                  // nothing to go by: as written
	} {
		if got := T("x", c.format).F(c.args...).Ko; got != c.want {
			t.Errorf("F(%q, %v).Ko = %q, want %q", c.format, c.args, got, c.want)
		}
	}
}
