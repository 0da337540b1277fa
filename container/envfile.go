package container

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// MaxEnvFile is the largest --env-file read.
const MaxEnvFile = 1 << 20

// ReadEnvFile reads an environment file as docker run --env-file does:
// one NAME=VALUE a line, taken as it is (no quotes removed); blank lines
// and lines starting with # are skipped; a NAME alone takes its value from
// lookup (the caller's environment), and is left out when that has none.
// The file must be a regular file of at most MaxEnvFile bytes.
func ReadEnvFile(path string, lookup func(string) (string, bool)) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &i18n.Error{Kind: i18n.KindInvalid, Text: i18n.T("cannot read the env file %s", "env 파일 %s를 읽을 수 없습니다").F(path), Err: err}
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, i18n.Invalid(i18n.T("the env file %s is not a regular file", "env 파일 %s는 일반 파일이 아닙니다").F(path))
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxEnvFile+1))
	if err != nil {
		return nil, &i18n.Error{Kind: i18n.KindInvalid, Text: i18n.T("cannot read the env file %s", "env 파일 %s를 읽을 수 없습니다").F(path), Err: err}
	}
	if len(b) > MaxEnvFile {
		return nil, i18n.Invalid(i18n.T("the env file %s is too big (at most 1 MiB)", "env 파일 %s가 너무 큽니다 (최대 1 MiB)").F(path))
	}
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), MaxEnvFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimLeft(sc.Text(), " \t")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, hasValue := strings.Cut(line, "=")
		if name == "" || strings.ContainsAny(name, " \t\x00") {
			return nil, i18n.Invalid(i18n.T("%s line %d: bad variable name %q", "%s %d번째 줄: 잘못된 변수 이름 %q").F(path, n, name))
		}
		if !hasValue {
			v, ok := lookup(name)
			if !ok {
				continue
			}
			value = v
		}
		env = append(env, fmt.Sprintf("%s=%s", name, value))
	}
	return env, nil
}
